/** The seizure calls (shared/api/seizure.ts): triage by SeizureTriage, segment datasets (#22) from the store. */
import type { seizureCalls } from '../../../shared/api/index.js';
import type { segmentDatasetCalls } from '../../../shared/api/segments.js';
import type { CallHandlers, DomainContext } from '../types.js';
import type { SeizureTriage } from './triage.js';

export function seizureHandlers(triage: SeizureTriage, { store }: DomainContext): CallHandlers<typeof seizureCalls & typeof segmentDatasetCalls> {
  return {
    'seizure.segmentDatasets': () => store.segments.list(),
    'seizure.runs': ({ recordingId }) => triage.runs(recordingId),
    'seizure.review': ({ runId }) => triage.review(runId),
    'seizure.decide': ({ runId, eventIndex, status, onsetS, durationS }) => triage.decide(runId, eventIndex, status, onsetS, durationS),
    'seizure.export': ({ runId, format, path, overwrite }) => triage.export(runId, format, path, { overwrite }),
    'seizure.improve': ({ runId, scope, recordingIds }) => triage.improve(runId, scope, recordingIds ?? []),
    'seizure.improvements': ({ recordingId }) => triage.improvements(recordingId),
    'seizure.redetect': ({ finetuneRunId, recordingId }) => triage.redetect(finetuneRunId, recordingId),
  };
}
