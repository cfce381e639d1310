/** Neuroformer (issue #20): training, generation, attention connectivity and evaluation on spike recordings. */
import { neuroformerApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { neuroformerCommand } from './cli.js';
import { neuroformerHandlers } from './handlers.js';
import { NeuroformerView } from './view.js';

const pipeline = (name: string) => siblingModuleUrl(import.meta.url, `../../pipelines/neuroformer/${name}`);

export const neuroformerDomain = defineDomain({
  id: 'neuroformer',
  title: 'Neuroformer',
  recordingKinds: ['spikes'],
  pipelines: [pipeline('train-pipeline'), pipeline('generate-pipeline'), pipeline('connectivity-pipeline'), pipeline('evaluate-pipeline')],
  api: neuroformerApi,
  open: ({ store }) => new NeuroformerView(store),
  handlers: neuroformerHandlers,
  cli: [neuroformerCommand],
});
