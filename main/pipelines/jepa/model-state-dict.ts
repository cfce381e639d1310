/**
 * Our parameter names ↔ the reference's state-dict keys and layouts (Eric-LRL/Brain-JEPA,
 * src/models/vision_transformer.py), so checkpoints of the official code (torch.save of
 * {'encoder', 'predictor', 'target_encoder', …}) load, and ours can be written in that layout.
 *
 * Our names already are the reference's module paths except inside blocks, where main/compute/nn's
 * transformer block says ln1 / ln2 / attn.out for the reference's norm1 / norm2 / attn.proj.
 * Layouts: our Linear weights are [in, out] (tfjs matmul), torch's [out, in]; the patch embedding
 * is our Linear [P, D] against torch's Conv2d weight [D, 1, 1, P]; everything else is the same.
 * The qkv columns need no permutation: both split the 3·D outputs as [q | k | v], each by head.
 *
 * Official checkpoints were saved from DistributedDataParallel wrappers, so their keys start with
 * "module." (src/train.py save_checkpoint; downstream_tasks/main_finetune.py strips it): loading
 * accepts keys with or without that prefix.
 */
import { ValidationError } from '../../errors.js';
import type { ParamSnapshot, Params } from '../../compute/nn/params.js';

export type StateDictPart = 'encoder' | 'predictor' | 'target_encoder';
export type StateDict = Map<string, { shape: number[]; data: Float32Array }>;

export const DDP_PREFIX = 'module.';

/** The reference key of one of our parameter names. */
export function referenceKey(name: string): string {
  return name
    .replace(/^((?:predictor_)?blocks\.\d+)\.ln1\./, '$1.norm1.')
    .replace(/^((?:predictor_)?blocks\.\d+)\.ln2\./, '$1.norm2.')
    .replace(/^((?:predictor_)?blocks\.\d+)\.attn\.out\./, '$1.attn.proj.');
}

type Layout = 'same' | 'linear' | 'conv';

function layoutOf(name: string, shape: readonly number[]): Layout {
  if (name === 'patch_embed.proj.weight') return 'conv';
  // Every other 2-D `.weight` is a Linear kernel (LayerNorm weights are 1-D; emb_h is not a weight).
  if (name.endsWith('.weight') && shape.length === 2) return 'linear';
  return 'same';
}

/** The torch shape of one of our parameters. */
export function referenceShape(name: string, shape: readonly number[]): number[] {
  switch (layoutOf(name, shape)) {
    case 'conv':
      return [shape[1]!, 1, 1, shape[0]!];
    case 'linear':
      return [shape[1]!, shape[0]!];
    case 'same':
      return [...shape];
  }
}

/** [rows, cols] row-major → [cols, rows] row-major. */
function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** Our values → torch layout. (Conv [D,1,1,P] is the transpose of our [P, D], as a Linear [D, P].) */
function toReference(name: string, shape: readonly number[], values: Float32Array): Float32Array {
  return layoutOf(name, shape) === 'same' ? Float32Array.from(values) : transpose2d(values, shape[0]!, shape[1]!);
}

/** Torch layout → ours (`shape` is ours). */
function fromReference(name: string, shape: readonly number[], values: Float32Array): Float32Array {
  return layoutOf(name, shape) === 'same' ? Float32Array.from(values) : transpose2d(values, shape[1]!, shape[0]!);
}

/** One of our tensors (a parameter or its gradient) under its reference key, in torch layout. */
export function toReferenceEntry(name: string, shape: readonly number[], values: Float32Array): { key: string; shape: number[]; data: Float32Array } {
  return { key: referenceKey(name), shape: referenceShape(name, shape), data: toReference(name, shape, values) };
}

/** A reference-layout tensor in our layout (`shape` is ours), e.g. torch gradients for our optimiser. */
export function fromReferenceValues(name: string, shape: readonly number[], values: Float32Array): Float32Array {
  return fromReference(name, shape, values);
}

/** A collection's values as a reference state dict, in registration order (= the reference's). */
export function toStateDict(params: Params, prefix = ''): StateDict {
  const out: StateDict = new Map();
  for (const [name, { shape, values }] of params.snapshot()) {
    out.set(prefix + referenceKey(name), { shape: referenceShape(name, shape), data: toReference(name, shape, values) });
  }
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Writes a reference state dict into `params`, all or nothing: every key must be present once
 * (with or without "module."), none extra, every shape the reference shape of our parameter.
 * Otherwise a ValidationError lists every missing and unexpected key and every mismatch, and no
 * weight changes.
 */
export function loadFromStateDict(params: Params, tensors: StateDict, part: StateDictPart, source: string): void {
  const expected = new Map<string, { name: string; shape: number[] }>();
  for (const entry of params.list()) expected.set(referenceKey(entry.name), { name: entry.name, shape: [...entry.shape] });

  const byKey = new Map<string, { shape: number[]; data: Float32Array }>();
  const unexpected: string[] = [];
  const duplicated: string[] = [];
  for (const [key, tensor] of tensors) {
    const bare = key.startsWith(DDP_PREFIX) ? key.slice(DDP_PREFIX.length) : key;
    if (!expected.has(bare)) unexpected.push(key);
    else if (byKey.has(bare)) duplicated.push(key);
    else byKey.set(bare, tensor);
  }
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const [key, { name, shape }] of expected) {
    const tensor = byKey.get(key);
    if (!tensor) {
      missing.push(key);
      continue;
    }
    const want = referenceShape(name, shape);
    if (!sameShape(tensor.shape, want)) mismatched.push(`${key} is ${fmt(tensor.shape)}, expected ${fmt(want)}`);
    else if (tensor.data.length !== want.reduce((a, b) => a * b, 1)) mismatched.push(`${key} has ${tensor.data.length} values for ${fmt(want)}`);
  }
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing keys: ${missing.join(', ')}`);
  if (unexpected.length > 0) problems.push(`unexpected keys: ${unexpected.join(', ')}`);
  if (duplicated.length > 0) problems.push(`keys given twice (with and without "${DDP_PREFIX}"): ${duplicated.join(', ')}`);
  if (mismatched.length > 0) problems.push(`shape mismatches: ${mismatched.join('; ')}`);
  if (problems.length > 0) throw new ValidationError(part, `${source}: the ${part} state dict does not fit this model (nothing loaded) — ${problems.join('; ')}`);

  const snapshot: ParamSnapshot = new Map();
  for (const [key, { name, shape }] of expected) {
    snapshot.set(name, { shape, values: fromReference(name, shape, byKey.get(key)!.data) });
  }
  params.restore(snapshot);
}
