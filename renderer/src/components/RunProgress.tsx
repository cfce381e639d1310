import type { StartedRunProgress } from '../state/useRunStart.js';
import { ProgressBar } from './ProgressBar.js';

/**
 * A started run's progress bar and message, as the run-starting forms show it (one copy for all of
 * them). `label` names the run for assistive technology: "Progress of NTF run" + " 12".
 */
export function RunProgress({ running, label }: { running: StartedRunProgress | null; label: string }) {
  if (!running) return null;
  return (
    <>
      <ProgressBar fraction={running.fraction} label={`${label} ${running.runId}`} />
      <span className="progress-message">{running.message}</span>
    </>
  );
}
