/** fMRI and brain maps (issue #18): NIfTI/GIfTI/atlases, ROI series, cohorts, connectivity, the Brain view. */
import { fmriApi, type fmriCalls } from '../../../shared/api/index.js';
import { defineDomain, type CallHandlers } from '../types.js';

// SKELETON (replaced by the fmri-domain work): every call says it is not built yet.
function notBuilt(): never {
  throw new Error('fmri: not built yet');
}

export const fmriDomain = defineDomain({
  id: 'fmri',
  title: 'fMRI and brain maps',
  recordingKinds: ['fmri', 'brain-map', 'roi-series', 'cohort', 'brain-graph'],
  pipelines: [],
  api: fmriApi,
  open: () => null,
  handlers: (): CallHandlers<typeof fmriCalls> => ({
    'fmri.volume': notBuilt,
    'fmri.surface': notBuilt,
    'fmri.surfaceValues': notBuilt,
    'fmri.projectToSurface': notBuilt,
    'fmri.clusters': notBuilt,
    'fmri.roiSeries': notBuilt,
    'fmri.connectivity': notBuilt,
    'fmri.cohort': notBuilt,
    'fmri.graph': notBuilt,
  }),
  cli: [],
});
