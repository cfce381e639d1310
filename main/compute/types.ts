/**
 * Types shared across main/compute. They live here, importing nothing of ours, so the modules that
 * use them do not import each other only for a type: activate.ts imports wasm/* and webgpu.ts, and
 * chain.ts imports webgpu.ts, at runtime; before this file wasm/* and webgpu.ts imported the types
 * back from activate.ts and chain.ts, two circles (issue #16). test/unit/layers.test.ts keeps
 * main/compute free of file-level import cycles.
 */

/** The tfjs namespace; each thread has its own instance, passed around instead of imported. */
export type Tfjs = typeof import('@tensorflow/tfjs');

/** Loads a module by specifier; injectable so tests can simulate every failure shape. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;
