/** Spike trains: the Spikes view (raster, PSTH around event sets, ISI, correlograms) over imported spike recordings. */
import { spikesApi } from '../../../shared/api/index.js';
import { defineDomain } from '../types.js';
import { spikesHandlers } from './handlers.js';
import { SpikesView } from './view.js';

export const spikesDomain = defineDomain({
  id: 'spikes',
  title: 'Spike trains',
  recordingKinds: ['spikes'],
  pipelines: [],
  api: spikesApi,
  open: ({ store }) => new SpikesView(store),
  handlers: spikesHandlers,
  cli: [],
});
