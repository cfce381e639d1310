/**
 * Neuroformer (Antoniades et al., ICLR 2024; a-antoniades/Neuroformer 36ed940): tokeniser, model,
 * loss, generation. Each module's header gives the reference files it follows.
 *
 * The reference's quirks and what we do with each (R = reproduced, F = fixed, on purpose):
 *  R  tokens: a window with more than block − 2 spikes keeps SOS + the last block − 2 ids, but its dt
 *     stream loses the leading 0 instead, so position 0's dt is a dropped spike's time (tokenizer.ts)
 *  R  a window starting at or before t = 0 uses absolute bin times as dts; Python's half-to-even
 *     rounding and round_n's 6 decimals (tokenizer.ts, config.ts)
 *  R  stimulus frames end one window after the predicted window (T + window.curr) — default
 *     lookahead of stimulusTokens, 0 turns it off (tokenizer.ts)
 *  R  self-attention keys/values are the block's raw input (only the query goes through ln1), an
 *     extra LayerNorm closes every block, history cross-attention reads the raw previous-window
 *     embeddings, no padding mask (block.ts, model.ts)
 *  R  temporal embedding = MLP of the dt token INDEX; its dropout is 0.2 whatever dropout.temp says
 *     (our config exposes it as dropout.temp; presets set it) (model.ts, config.ts)
 *  R  loss weights 0.45 / 0.30 (the n = 4 quirk: `config.contrastive` is a truthy section even with
 *     contrastive off); config.lossWeights can choose 0.6 / 0.4 (config.ts, loss.ts)
 *  R  AdamW decays every nn.Linear weight including the temporal MLP's (its blacklist is undone by
 *     `no_decay -= decay & no_decay`) (model.ts neuroformerDecayRule)
 *  F  stimulus tokens get learned zero-initialised positions (the reference computes a 3-D encoding
 *     for its frame tokens and then discards it); stimulus.positions = false reproduces it (config.ts)
 *  F  generation starts position 0 at dt 0 (the reference reads the recorded x['dt'][0], which leaks a
 *     dropped spike's time in overflowing windows), samples each head only among its legal tokens
 *     (ids: neurons + EOS; dts: the current window's values — renormalised, not sampled-then-dropped),
 *     filters each head with its own top-p, handles a batch, uses a key/value cache, and rolls out
 *     closed-loop on generated spikes (the reference's get_interval ignores the generated data)
 *     (generate.ts: the one sampler of the generate and evaluate pipelines)
 *  F  a batch whose targets are all PAD has cross-entropy 0, not NaN (loss.ts)
 *  —  not built: the video encoder (replaced by per-bin stimulus features), behaviour streams and
 *     the contrastive (CLIP) loss, MultimodalTransformer.ln_f (never applied in the reference).
 */
export * from './config.js';
export * from './tokenizer.js';
export * from './model.js';
export * from './loss.js';
export * from './model-state-dict.js';
export * from './generate.js';
