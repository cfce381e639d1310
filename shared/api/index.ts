export * from './domain.js';
export * from './contract.js';
export * from './wire.js';
export * from './eeg.js';
export * from './seizure.js';
export * from './fisbe.js';
export * from './ntf.js';
export * from './morphology.js';
