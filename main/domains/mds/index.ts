/** MDS cell-type clustering (issue #21): response model, Most Discriminative Stimuli clustering, on-the-fly assignment. */
import { mdsApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { mdsCommand } from './cli.js';
import { mdsHandlers } from './handlers.js';
import { MdsView } from './view.js';

const pipeline = (name: string) => siblingModuleUrl(import.meta.url, `../../pipelines/mds/${name}`);

export const mdsDomain = defineDomain({
  id: 'mds',
  title: 'MDS clustering',
  recordingKinds: ['spikes'],
  pipelines: [pipeline('model/fit-pipeline'), pipeline('cluster-pipeline'), pipeline('cluster-toy-pipeline'), pipeline('assign-pipeline')],
  api: mdsApi,
  open: ({ store }) => new MdsView(store),
  handlers: mdsHandlers,
  cli: [mdsCommand],
});
