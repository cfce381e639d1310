/** Calcium imaging: the Traces view (ΔF/F traces, heat map, ROI positions, behaviour) and the frame rate stored with a recording. */
import { calciumApi } from '../../../shared/api/index.js';
import { defineDomain } from '../types.js';
import { calciumCommand } from './cli.js';
import { calciumHandlers } from './handlers.js';
import { CalciumView } from './view.js';

export const calciumDomain = defineDomain({
  id: 'calcium',
  title: 'Calcium imaging',
  recordingKinds: ['calcium'],
  pipelines: [],
  api: calciumApi,
  open: ({ store }) => new CalciumView(store),
  handlers: calciumHandlers,
  cli: [calciumCommand],
});
