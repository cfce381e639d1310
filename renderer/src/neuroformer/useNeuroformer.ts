/** A Neuroformer run's summary (config, model, epochs) from neuroformer.runs. */
import type { NeuroformerRunSummary, Run } from '../../../shared/api/index.js';
import { useRunCall } from '../state/useRunCall.js';

/** This run's entry in neuroformer.runs (null while loading or when the engine does not list it). */
export function useRunSummary(run: Pick<Run, 'id' | 'status' | 'recordingId'>): NeuroformerRunSummary | null {
  const runs = useRunCall(run, 'neuroformer.runs', run.recordingId !== null ? { recordingId: run.recordingId } : {});
  return runs.value?.find((r) => r.runId === run.id) ?? null;
}
