/** Seizure detection (classical and neural), its training, SzCORE scoring and the triage of detected events. */
import { seizureApi } from '../../../shared/api/index.js';
import { siblingModuleUrl } from '../../jobs/registry.js';
import { defineDomain } from '../types.js';
import { seizureCommand } from './cli.js';
import { seizureHandlers } from './handlers.js';
import { SeizureTriage } from './triage.js';

export const seizureDomain = defineDomain({
  id: 'seizure',
  title: 'Seizure detection',
  recordingKinds: ['eeg'],
  pipelines: [
    siblingModuleUrl(import.meta.url, '../../pipelines/seizure/index'),
    siblingModuleUrl(import.meta.url, '../../pipelines/seizure/neural-pipeline'),
    siblingModuleUrl(import.meta.url, '../../pipelines/seizure/neural-train-pipeline'),
    siblingModuleUrl(import.meta.url, '../../pipelines/seizure/finetune-pipeline'),
  ],
  api: seizureApi,
  open: ({ store, reviewer, runner }) => new SeizureTriage(store, reviewer, runner),
  handlers: seizureHandlers,
  cli: [seizureCommand],
});
