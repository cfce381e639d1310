/** The EEG review calls (shared/api/eeg.ts), implemented by EegReview. */
import type { eegCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { EegReview } from './review.js';

export function eegHandlers(review: EegReview): CallHandlers<typeof eegCalls> {
  return {
    'eeg.montages': ({ recordingId }) => review.montages(recordingId),
    'eeg.saveMontage': ({ name, title, derivations }) => review.saveMontage(name, title, derivations),
    'eeg.page': (params) => review.page(params),
    'eeg.overview': ({ recordingId }) => review.overview(recordingId),
    'eeg.annotations': ({ recordingId }) => review.annotations(recordingId),
    'eeg.addAnnotation': ({ recordingId, onsetS, durationS, text }) => review.addAnnotation(recordingId, onsetS, durationS, text),
    'eeg.editAnnotation': ({ annotationId, ...changes }) => review.editAnnotation(annotationId, changes),
    'eeg.deleteAnnotation': ({ annotationId }) => review.deleteAnnotation(annotationId),
    'eeg.restoreAnnotation': ({ annotationId }) => review.restoreAnnotation(annotationId),
    'eeg.exportAnnotations': ({ recordingId, format, path, overwrite }) => review.exportAnnotations(recordingId, format, path, { overwrite }),
  };
}
