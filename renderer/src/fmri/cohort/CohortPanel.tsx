// SKELETON: replaced by the Brain view work (issue #18).
import type { BrainPanelProps } from '../panel.js';

export function CohortPanel({ recording }: BrainPanelProps) {
  return <p className="muted">Not built yet: {recording.sourcePath}</p>;
}
