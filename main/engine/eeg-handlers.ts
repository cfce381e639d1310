/** The EEG review and seizure triage calls (shared/api/eeg.ts, seizure.ts), implemented by EegReview and SeizureTriage. */
import type { z } from 'zod';
import type { CallResult, eegCalls, seizureCalls } from '../../shared/api/index.js';
import type { Engine } from './engine.js';

type EegCalls = typeof eegCalls & typeof seizureCalls;
export type EegHandlers = {
  [N in keyof EegCalls]: (params: z.output<EegCalls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

export function eegHandlers(engine: Engine): EegHandlers {
  const { review, triage } = engine;
  return {
    'eeg.montages': ({ recordingId }) => review.montages(recordingId),
    'eeg.saveMontage': ({ name, title, derivations }) => review.saveMontage(name, title, derivations),
    'eeg.page': (params) => review.page(params),
    'eeg.overview': ({ recordingId }) => review.overview(recordingId),
    'eeg.annotations': ({ recordingId }) => review.annotations(recordingId),
    'eeg.addAnnotation': ({ recordingId, onsetS, durationS, text }) => review.addAnnotation(recordingId, onsetS, durationS, text),
    'eeg.exportAnnotations': ({ recordingId, format, path, overwrite }) => review.exportAnnotations(recordingId, format, path, { overwrite }),
    'seizure.runs': ({ recordingId }) => triage.runs(recordingId),
    'seizure.review': ({ runId }) => triage.review(runId),
    'seizure.decide': ({ runId, eventIndex, status, onsetS, durationS }) => triage.decide(runId, eventIndex, status, onsetS, durationS),
    'seizure.export': ({ runId, format, path, overwrite }) => triage.export(runId, format, path, { overwrite }),
  };
}
