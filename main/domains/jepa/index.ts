/** Brain-JEPA (issue #19): self-supervised pretraining on a cohort's ROI series, its training runs and curves. */
import { jepaApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { jepaCommand } from './cli.js';
import { jepaHandlers } from './handlers.js';
import { JepaView } from './view.js';

const pipeline = (name: string) => siblingModuleUrl(import.meta.url, `../../pipelines/jepa/${name}`);

export const jepaDomain = defineDomain({
  id: 'jepa',
  title: 'Brain-JEPA',
  recordingKinds: ['cohort'],
  pipelines: [pipeline('pretrain-pipeline'), pipeline('probe-pipeline'), pipeline('import-pipeline')],
  api: jepaApi,
  open: ({ store }) => new JepaView(store),
  handlers: jepaHandlers,
  cli: [jepaCommand],
});
