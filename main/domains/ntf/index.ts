/** Functional connectomes by NTF (Dyballa et al.): affinities of calcium traces, the rank sweep, communities. */
import { ntfApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { ntfCommand } from './cli.js';
import { ntfHandlers } from './handlers.js';
import { NtfView } from './view.js';

export const ntfDomain = defineDomain({
  id: 'ntf',
  title: 'Functional connectome (NTF)',
  recordingKinds: ['calcium'],
  pipelines: [siblingModuleUrl(import.meta.url, '../../pipelines/ntf/index')],
  api: ntfApi,
  open: ({ store }) => new NtfView(store),
  handlers: ntfHandlers,
  cli: [ntfCommand],
});
