export * from './domain.js';
export * from './contract.js';
export * from './wire.js';
