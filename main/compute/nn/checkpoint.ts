/**
 * Checkpoints of a parameter collection, with the AdamW moments and step, an EMA shadow and a JSON
 * config, as one compact binary bundle stored in the project's `models` table (format
 * "cajal-nn-v1"):
 *
 *   bytes 0–3   "CJNN"
 *   bytes 4–7   uint32 LE: byte length H of the header
 *   bytes 8…    header JSON (UTF-8): format, step, config, and per tensor its group, name, shape,
 *               dtype ("float32") and byte offset in the data section
 *   padding     zeros up to a multiple of 4
 *   data        the tensors, float32 little-endian, in header order
 *
 * Loading checks everything (truncation, names, shapes) before writing a single weight, so a bad
 * bundle leaves the model as it was.
 */
import { z } from 'zod';
import { FormatError, NotFoundError, ValidationError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import type { AdamW } from './optim.js';
import type { Ema } from './optim.js';
import { sizeOf, type Params, type ParamSnapshot } from './params.js';

export const CHECKPOINT_FORMAT = 'cajal-nn-v1';
const MAGIC = 'CJNN';
const PREFIX_BYTES = 8;

/** Which state a tensor belongs to. */
export type TensorGroup = 'param' | 'adam.m' | 'adam.v' | 'ema';

const TensorEntry = z
  .object({
    group: z.enum(['param', 'adam.m', 'adam.v', 'ema']),
    name: z.string().min(1),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.literal('float32'),
    offset: z.number().int().nonnegative(),
  })
  .strict();

const Header = z
  .object({
    format: z.literal(CHECKPOINT_FORMAT),
    step: z.number().int().nonnegative(),
    emaUpdates: z.number().int().nonnegative().optional(),
    config: z.unknown(),
    tensors: z.array(TensorEntry),
  })
  .strict();
export type CheckpointHeader = z.infer<typeof Header>;

export interface CheckpointParts {
  params: Params;
  optimizer?: AdamW;
  ema?: Ema;
  /** Anything JSON: the model's hyper-parameters, so it can be rebuilt before loading. */
  config?: unknown;
}

export interface DecodedCheckpoint {
  header: CheckpointHeader;
  /** Per group, the tensors by name. */
  groups: Map<TensorGroup, ParamSnapshot>;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Collected = { group: TensorGroup; name: string; shape: number[]; values: Float32Array }[];

function flatten(groups: [TensorGroup, ParamSnapshot][]): Collected {
  return groups.flatMap(([group, snapshot]) => [...snapshot].map(([name, t]) => ({ group, name, shape: t.shape, values: t.values })));
}

function collect(parts: CheckpointParts): Collected {
  const groups: [TensorGroup, ParamSnapshot][] = [['param', parts.params.snapshot()]];
  if (parts.optimizer) {
    const { m, v } = parts.optimizer.moments();
    groups.push(['adam.m', m], ['adam.v', v]);
  }
  if (parts.ema) groups.push(['ema', parts.ema.shadow.snapshot()]);
  return flatten(groups);
}

async function collectAsync(parts: CheckpointParts): Promise<Collected> {
  const groups: [TensorGroup, ParamSnapshot][] = [['param', await parts.params.snapshotAsync()]];
  if (parts.optimizer) {
    const { m, v } = await parts.optimizer.momentsAsync();
    groups.push(['adam.m', m], ['adam.v', v]);
  }
  if (parts.ema) groups.push(['ema', await parts.ema.shadow.snapshotAsync()]);
  return flatten(groups);
}

/** The bundle bytes of a collection (and optimiser/EMA state); synchronous reads (cpu, wasm). */
export function encodeCheckpoint(parts: CheckpointParts): Uint8Array {
  return encode(parts, collect(parts));
}

/** encodeCheckpoint with asynchronous reads (every backend, WebGPU included). */
export async function encodeCheckpointAsync(parts: CheckpointParts): Promise<Uint8Array> {
  return encode(parts, await collectAsync(parts));
}

function encode(parts: CheckpointParts, tensors: Collected): Uint8Array {
  let offset = 0;
  const entries = tensors.map((t) => {
    const entry = { group: t.group, name: t.name, shape: t.shape, dtype: 'float32' as const, offset };
    offset += t.values.length * 4;
    return entry;
  });
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    step: parts.optimizer?.step ?? 0,
    ...(parts.ema ? { emaUpdates: parts.ema.updates } : {}),
    config: parts.config ?? null,
    tensors: entries,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((PREFIX_BYTES + json.length) / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  tensors.forEach((t, i) => {
    const at = dataStart + entries[i]!.offset;
    if (littleEndian) bytes.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), at);
    else for (let j = 0; j < t.values.length; j++) view.setFloat32(at + 4 * j, t.values[j]!, true);
  });
  return bytes;
}

/** Parses a bundle; `source` names it in FormatErrors (e.g. "model 3"). */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint bundle'): DecodedCheckpoint {
  if (bytes.length < PREFIX_BYTES) throw new FormatError(source, `truncated: ${bytes.length} bytes, shorter than the ${PREFIX_BYTES}-byte prefix`, 'magic', 0);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) throw new FormatError(source, `not a ${CHECKPOINT_FORMAT} bundle (starts with ${JSON.stringify(magic)})`, 'magic', 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4, true);
  if (PREFIX_BYTES + headerLength > bytes.length) {
    throw new FormatError(source, `truncated: the header needs ${headerLength} bytes, ${bytes.length - PREFIX_BYTES} remain`, 'header', PREFIX_BYTES);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch (error) {
    throw new FormatError(source, `header is not JSON (${error instanceof Error ? error.message : String(error)})`, 'header', PREFIX_BYTES);
  }
  const parsed = Header.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FormatError(source, `header: ${issue.message}`, ['header', ...issue.path.map(String)].join('.'), PREFIX_BYTES);
  }
  const header = parsed.data;
  const dataStart = Math.ceil((PREFIX_BYTES + headerLength) / 4) * 4;
  const groups = new Map<TensorGroup, ParamSnapshot>();
  for (const entry of header.tensors) {
    const length = sizeOf(entry.shape);
    const start = dataStart + entry.offset;
    const end = start + 4 * length;
    if (end > bytes.length) {
      throw new FormatError(source, `truncated: ${entry.group} "${entry.name}" needs bytes ${start}–${end}, the bundle has ${bytes.length}`, entry.name, start);
    }
    const values = new Float32Array(length);
    if (littleEndian && (bytes.byteOffset + start) % 4 === 0) values.set(new Float32Array(bytes.buffer, bytes.byteOffset + start, length));
    else for (let j = 0; j < length; j++) values[j] = view.getFloat32(start + 4 * j, true);
    let group = groups.get(entry.group);
    if (!group) groups.set(entry.group, (group = new Map()));
    if (group.has(entry.name)) throw new FormatError(source, `${entry.group} "${entry.name}" appears twice`, entry.name, start);
    group.set(entry.name, { shape: entry.shape, values });
  }
  return { header, groups };
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Every expected name present with its shape, and no unexpected ones. */
function check(group: string, saved: ParamSnapshot | undefined, expected: Map<string, readonly number[]>): void {
  for (const [name, shape] of expected) {
    const t = saved?.get(name);
    if (!t) throw new ValidationError(name, `missing from the checkpoint (${group})`);
    if (!sameShape(t.shape, shape)) {
      throw new ValidationError(name, `shape [${t.shape.join(', ')}] in the checkpoint, [${shape.join(', ')}] in the model (${group})`);
    }
  }
  for (const name of saved?.keys() ?? []) {
    if (!expected.has(name)) throw new ValidationError(name, `in the checkpoint (${group}) but not in the model`);
  }
}

/**
 * Writes a decoded checkpoint into `params` (and `optimizer`, `ema` when given), after checking
 * all of it. Returns the header (config and step).
 */
export function restoreCheckpoint(decoded: DecodedCheckpoint, targets: Omit<CheckpointParts, 'config'>): CheckpointHeader {
  const { params, optimizer, ema } = targets;
  const shapes = (p: Params) => new Map(p.list().map((e) => [e.name, e.shape] as const));
  check('param', decoded.groups.get('param'), shapes(params));
  if (optimizer) {
    if (!decoded.groups.has('adam.m')) throw new ValidationError('optimizer', 'the checkpoint holds no optimiser state');
    const moments = optimizer.shapes();
    check('adam.m', decoded.groups.get('adam.m'), moments);
    check('adam.v', decoded.groups.get('adam.v'), moments);
  }
  if (ema) {
    if (!decoded.groups.has('ema')) throw new ValidationError('ema', 'the checkpoint holds no EMA weights');
    check('ema', decoded.groups.get('ema'), shapes(ema.shadow));
  }
  params.restore(decoded.groups.get('param')!);
  if (optimizer) optimizer.setMoments(decoded.groups.get('adam.m')!, decoded.groups.get('adam.v')!, decoded.header.step);
  if (ema) {
    ema.shadow.restore(decoded.groups.get('ema')!);
    ema.updates = decoded.header.emaUpdates ?? 0;
  }
  return decoded.header;
}

export interface SaveCheckpointOptions extends CheckpointParts {
  name: string;
  pipeline: string;
  runId?: number | null;
  /** Extra metadata for the models table (the config, step and parameter count are added). */
  meta?: Record<string, unknown>;
}

/** Stores a checkpoint as one row of `models` (one transaction); returns its id. */
export function saveCheckpoint(store: Store, options: SaveCheckpointOptions): number {
  return addModelRow(store, options, encodeCheckpoint(options));
}

/** saveCheckpoint with asynchronous reads (every backend); the write is still one transaction. */
export async function saveCheckpointAsync(store: Store, options: SaveCheckpointOptions): Promise<number> {
  return addModelRow(store, options, await encodeCheckpointAsync(options));
}

/** Where a checkpoint's `models` row comes from and what it says about it. */
export interface CheckpointRow {
  name: string;
  pipeline: string;
  runId?: number | null;
  config?: unknown;
  meta?: Record<string, unknown>;
  /** Optimiser steps taken. */
  step: number;
  parameterCount: number;
}

/**
 * Writes an encoded checkpoint as one `models` row in one transaction: format, meta.config,
 * meta.step and meta.parameterCount, so loadCheckpoint reads it whoever encoded it (this process
 * or a data-parallel worker).
 */
export function addCheckpointRow(store: Store, row: CheckpointRow, weights: Uint8Array): number {
  return store.transaction(() =>
    store.models.add({
      name: row.name,
      pipeline: row.pipeline,
      runId: row.runId ?? null,
      format: CHECKPOINT_FORMAT,
      meta: { ...row.meta, config: row.config ?? null, step: row.step, parameterCount: row.parameterCount },
      weights,
    }),
  );
}

function addModelRow(store: Store, options: SaveCheckpointOptions, weights: Uint8Array): number {
  return addCheckpointRow(store, { ...options, step: options.optimizer?.step ?? 0, parameterCount: options.params.count() }, weights);
}

/** Loads model `id` into the targets (checked first, so a bad bundle changes nothing). */
export function loadCheckpoint(store: Store, id: number, targets: Omit<CheckpointParts, 'config'>): CheckpointHeader {
  const record = store.models.get(id);
  if (!record) throw new NotFoundError(`model ${id}`);
  const source = `model ${id} ("${record.name}")`;
  if (record.format !== CHECKPOINT_FORMAT) throw new FormatError(source, `stored as "${record.format}", not ${CHECKPOINT_FORMAT}`, 'format');
  return restoreCheckpoint(decodeCheckpoint(record.weights, source), targets);
}
