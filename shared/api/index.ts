export * from './domain.js';
export * from './contract.js';
export * from './wire.js';
export * from './define.js';
export * from './domains.js';
export * from './typed-array.js';
export * from './binary-frame.js';
