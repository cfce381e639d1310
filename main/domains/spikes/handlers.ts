/** The spikes calls (shared/api/spikes.ts), implemented by SpikesView. */
import type { spikesCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { SpikesView } from './view.js';

export function spikesHandlers(spikes: SpikesView): CallHandlers<typeof spikesCalls> {
  return {
    'spikes.list': () => spikes.list(),
    'spikes.summary': ({ recordingId }) => spikes.summary(recordingId),
    'spikes.raster': ({ recordingId, units, startS, endS, columns, maxSpikes }) => spikes.raster(recordingId, units, startS, endS, columns, maxSpikes),
    'spikes.psth': ({ recordingId, eventSet, units, preS, postS, binS, rasterUnit }) => spikes.psth(recordingId, eventSet, units, preS, postS, binS, rasterUnit),
    'spikes.isi': ({ recordingId, unit, binS, maxS, refractoryS }) => spikes.isi(recordingId, unit, binS, maxS, refractoryS),
    'spikes.correlogram': ({ recordingId, unitA, unitB, binS, windowS }) => spikes.correlogram(recordingId, unitA, unitB, binS, windowS),
  };
}
