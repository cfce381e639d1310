/**
 * The domains, in the order the CLI's help lists their commands. Adding a domain: import its module
 * and add it here; then its API module to shared/api/domains.ts, its view to renderer/src/views.ts,
 * and its README section.
 */
import { eegDomain } from './eeg/index.js';
import { seizureDomain } from './seizure/index.js';
import { fisbeDomain } from './fisbe/index.js';
import { ntfDomain } from './ntf/index.js';
import { morphologyDomain } from './morphology/index.js';
import { calciumDomain } from './calcium/index.js';
import { fmriDomain } from './fmri/index.js';
import { jepaDomain } from './jepa/index.js';
import { spikesDomain } from './spikes/index.js';
import { neuroformerDomain } from './neuroformer/index.js';
import { mdsDomain } from './mds/index.js';

export const DOMAIN_LIST = [eegDomain, seizureDomain, fisbeDomain, ntfDomain, morphologyDomain, calciumDomain, fmriDomain, jepaDomain, spikesDomain, neuroformerDomain, mdsDomain] as const;
