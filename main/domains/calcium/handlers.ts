/** The calcium calls (shared/api/calcium.ts), implemented by CalciumView. */
import type { calciumCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { CalciumView } from './view.js';

export function calciumHandlers(calcium: CalciumView): CallHandlers<typeof calciumCalls> {
  return {
    'calcium.list': () => calcium.list(),
    'calcium.overview': ({ recordingId, columns, traces }) => calcium.overview(recordingId, columns, traces),
    'calcium.page': ({ recordingId, cells, startFrame, endFrame, columns, traces }) => calcium.page(recordingId, cells, startFrame, endFrame, columns, traces),
    'calcium.setFrameRate': ({ recordingId, frameRateHz }) => calcium.setFrameRate(recordingId, frameRateHz),
  };
}
