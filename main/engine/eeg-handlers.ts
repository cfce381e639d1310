/** The EEG review calls (shared/api/eeg.ts), implemented by the engine's EegReview. */
import type { z } from 'zod';
import type { CallResult, eegCalls } from '../../shared/api/index.js';
import type { Engine } from './engine.js';

type EegCalls = typeof eegCalls;
export type EegHandlers = {
  [N in keyof EegCalls]: (params: z.output<EegCalls[N]['params']>) => Promise<CallResult<N>> | CallResult<N>;
};

export function eegHandlers(engine: Engine): EegHandlers {
  const { review } = engine;
  return {
    'eeg.montages': ({ recordingId }) => review.montages(recordingId),
    'eeg.saveMontage': ({ name, title, derivations }) => review.saveMontage(name, title, derivations),
    'eeg.page': (params) => review.page(params),
    'eeg.overview': ({ recordingId }) => review.overview(recordingId),
    'annotations.list': ({ recordingId }) => review.annotations(recordingId),
    'annotations.add': ({ recordingId, onsetS, durationS, text }) => review.addAnnotation(recordingId, onsetS, durationS, text),
    'annotations.export': ({ recordingId, format, path }) => review.exportAnnotations(recordingId, format, path),
  };
}
