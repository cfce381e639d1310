/** fMRI and brain maps (issue #18): NIfTI/GIfTI/atlases, ROI series, cohorts, connectivity, the Brain view. */
import { fmriApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { fmriCommand } from './cli.js';
import { fmriHandlers } from './handlers.js';
import { FmriView } from './view.js';

const pipeline = (name: string) => siblingModuleUrl(import.meta.url, `../../pipelines/fmri/${name}`);

export const fmriDomain = defineDomain({
  id: 'fmri',
  title: 'fMRI and brain maps',
  recordingKinds: ['fmri', 'brain-map', 'roi-series', 'cohort', 'brain-graph'],
  pipelines: [pipeline('extract-pipeline'), pipeline('connectivity-pipeline'), pipeline('classify-pipeline')],
  api: fmriApi,
  open: ({ store }) => new FmriView(store),
  handlers: fmriHandlers,
  close: (view) => view.close(),
  cli: [fmriCommand],
});
