import type { StartedRunProgress } from '../state/useRunStart.js';
import { CancelRunButton } from './CancelRunButton.js';
import { ProgressBar } from './ProgressBar.js';
import { remainingLabel } from './remaining.js';

/**
 * A run's progress as the app shows it wherever a run is followed: the bar, where in the job it is,
 * the time remaining once it can be estimated, and Cancel (the run-starting forms and Runs use this
 * one copy). `label` names the run for assistive technology: "Progress of NTF run" + " 12".
 */
export function RunProgressLine(props: { runId: number; fraction: number; message: string; startedAtMs: number | null; label: string; cancellable: boolean }) {
  const remaining = remainingLabel(props.startedAtMs, props.fraction, Date.now());
  return (
    <span className="run-progress">
      <ProgressBar fraction={props.fraction} label={`${props.label} ${props.runId}`} />
      <span className="progress-message">{props.message}</span>
      {remaining && <span className="progress-remaining">{remaining}</span>}
      {props.cancellable && <CancelRunButton runId={props.runId} />}
    </span>
  );
}

/** The run a form started, while it runs: its progress line with Cancel. */
export function RunProgress({ running, label }: { running: StartedRunProgress | null; label: string }) {
  if (!running) return null;
  return <RunProgressLine runId={running.runId} fraction={running.fraction} message={running.message} startedAtMs={running.startedAtMs} label={label} cancellable />;
}
