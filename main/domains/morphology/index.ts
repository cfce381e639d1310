/** Neuron morphologies (SWC): NeuroM-definition morphometrics, Sholl analysis, the 3D Morphology view. */
import { morphologyApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { morphologyCommand } from './cli.js';
import { morphologyHandlers } from './handlers.js';
import { MorphologyView } from './view.js';

export const morphologyDomain = defineDomain({
  id: 'morphology',
  title: 'Morphology',
  recordingKinds: ['morphology'],
  pipelines: [siblingModuleUrl(import.meta.url, '../../pipelines/morphology/pipeline')],
  api: morphologyApi,
  open: ({ store }) => new MorphologyView(store),
  handlers: morphologyHandlers,
  cli: [morphologyCommand],
});
