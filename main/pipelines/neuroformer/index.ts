/** Neuroformer (Antoniades et al., ICLR 2024): tokeniser, model, loss; see each module's header. */
export * from './config.js';
export * from './tokenizer.js';
export * from './model.js';
export * from './loss.js';
export * from './model-state-dict.js';
