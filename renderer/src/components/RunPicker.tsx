/**
 * The run picker of views that show one stored run at a time (Segmentation's FISBe evaluations,
 * Connectome's NTF runs, and the views to come): a select over the runs as the engine lists them,
 * newest first, and a choice that falls back to the newest run while the chosen one is not listed
 * (before the list loads, or after the run is gone).
 */
import { useState } from 'react';

interface StoredRun {
  runId: number;
}

/**
 * The run shown: the chosen one while it is listed, else the first (newest); and how to choose.
 * `initial` is the run the view was opened for (Runs' "Open in …"), chosen until the user picks another.
 */
export function useChosenRun(runs: readonly StoredRun[], initial: number | null = null): [runId: number | null, choose: (runId: number) => void] {
  const [chosen, setChosen] = useState<number | null>(initial);
  const runId = runs.some((run) => run.runId === chosen) ? chosen : (runs[0]?.runId ?? null);
  return [runId, setChosen];
}

export function RunPicker<R extends StoredRun>(props: {
  /** The select's element id (e2e tests and the label find it by this). */
  id: string;
  label: string;
  runs: readonly R[];
  runId: number | null;
  onChoose(runId: number): void;
  /** One line per run: what tells runs apart in this domain. */
  title(run: R): string;
}) {
  if (props.runs.length === 0) return null;
  return (
    <span className="eeg-picker">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.runId ?? ''} onChange={(event) => props.onChoose(Number(event.target.value))}>
        {props.runs.map((run) => (
          <option key={run.runId} value={run.runId}>
            {props.title(run)}
          </option>
        ))}
      </select>
    </span>
  );
}
