/** EEG review: pages in montages with display filters, the spectral overview, annotations and their export. */
import { eegApi } from '../../../shared/api/index.js';
import { defineDomain } from '../types.js';
import { eegHandlers } from './handlers.js';
import { EegReview } from './review.js';

export const eegDomain = defineDomain({
  id: 'eeg',
  title: 'EEG review',
  recordingKinds: ['eeg'],
  pipelines: [],
  api: eegApi,
  open: ({ store, reviewer }) => new EegReview(store, reviewer),
  handlers: eegHandlers,
  close: (review) => review.close(),
  cli: [],
});
