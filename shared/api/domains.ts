/**
 * The domains' API modules, one line per domain. Each exports its schemas and types and one
 * `domainApi(id, calls)`; contract.ts merges those into the contract. Adding a domain: one line here.
 */
export * from './eeg.js';
export * from './seizure.js';
export * from './fisbe.js';
export * from './ntf.js';
export * from './morphology.js';
export * from './calcium.js';
export * from './fmri.js';
export * from './jepa.js';
export * from './spikes.js';
export * from './neuroformer.js';
export * from './mds.js';
