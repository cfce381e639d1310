/** FISBe: the FlyLight instance-segmentation benchmark's metrics, and the Segmentation view of a stored evaluation. */
import { fisbeApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { fisbeCommand } from './cli.js';
import { fisbeHandlers } from './handlers.js';
import { FisbeView } from './view.js';

export const fisbeDomain = defineDomain({
  id: 'fisbe',
  title: 'FISBe segmentation metrics',
  // Its inputs are label volumes named by path, not project recordings.
  recordingKinds: [],
  pipelines: [siblingModuleUrl(import.meta.url, '../../pipelines/fisbe/index')],
  api: fisbeApi,
  open: ({ store }) => new FisbeView(store),
  handlers: fisbeHandlers,
  cli: [fisbeCommand],
});
