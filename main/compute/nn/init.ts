/**
 * Seeded initial weights, filled in JS from the project's PRNG (shared/random.ts): the same seed
 * gives bit-identical weights on every backend and machine, which tfjs initialiser seeds do not
 * promise. Each function returns a fresh Float32Array of `size` values.
 */
import { deriveSeed, seededRandom, type Random } from '../../../shared/random.js';

/** One standard normal deviate (Box–Muller; the second deviate is dropped for simplicity). */
function normal(random: Random): number {
  let u = random();
  while (u <= 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Normal(0, std) truncated to ±2·std by redrawing, as GPT-2/ViT initialise projections and
 * embeddings (std 0.02 by default).
 */
export function truncatedNormal(size: number, seed: number, std = 0.02): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    let z = normal(random);
    while (z < -2 || z > 2) z = normal(random);
    out[i] = z * std;
  }
  return out;
}

/** Xavier/Glorot uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)). */
export function xavierUniform(size: number, fanIn: number, fanOut: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (2 * random() - 1) * a;
  return out;
}

/** He/Kaiming normal for ReLU-family layers: Normal(0, √(2 / fanIn)). */
export function heNormal(size: number, fanIn: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const std = Math.sqrt(2 / fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = normal(random) * std;
  return out;
}

export function zeros(size: number): Float32Array {
  return new Float32Array(size);
}

export function ones(size: number): Float32Array {
  return new Float32Array(size).fill(1);
}

/** How a layer fills its kernel; fans are computed by the layer. */
export type KernelInit = 'truncated-normal' | 'xavier-uniform' | 'he-normal';

export function initKernel(kind: KernelInit, size: number, fanIn: number, fanOut: number, seed: number, std = 0.02): Float32Array {
  switch (kind) {
    case 'truncated-normal':
      return truncatedNormal(size, seed, std);
    case 'xavier-uniform':
      return xavierUniform(size, fanIn, fanOut, seed);
    case 'he-normal':
      return heNormal(size, fanIn, seed);
  }
}

/**
 * The seed of one parameter: the model seed mixed with a hash (FNV-1a) of the parameter's full
 * name, so each parameter has its own stream and adding a layer leaves the others unchanged.
 */
export function paramSeed(seed: number, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return deriveSeed(seed, h);
}
