/**
 * PyTorch checkpoints (`.pth`, `.pth.tar`, `.pt`) as `torch.save` writes them, read without Python
 * and without running anything the file says.
 *
 * Two layouts:
 * - zip (torch ≥ 1.6, the default since): an archive `<name>/data.pkl` (the pickled object, where
 *   each tensor's storage is a persistent id), `<name>/data/<key>` (each storage's raw little-endian
 *   bytes, stored uncompressed and padded to 64 bytes through the local header's extra field),
 *   `<name>/version`, and since torch 2.1 `<name>/byteorder`. `<name>` is `archive` in recent
 *   torch, the file's stem in older ones, so it is found, not assumed.
 * - legacy (torch < 1.6, or `_use_new_zipfile_serialization=False`): five pickles back to back
 *   (magic number, protocol version, system info, the object, the sorted storage keys), then each
 *   storage as an int64 element count and its bytes. Read whole into memory: files in this layout
 *   are old and small. The older still tar layout (torch < 0.4) is refused.
 *
 * The pickle goes through `pickle.ts` (a whitelist of data-only globals; see there). The result is
 * a map from each top-level key that holds tensors (`encoder`, `predictor`, `target_encoder`,
 * `opt`…) to its tensors by name; nested dicts are flattened with dots (`opt` → `state.0.exp_avg`).
 * Everything else (`epoch`, `loss`, `lr`, the optimizer's `param_groups`) is in `meta` as plain
 * JS. Keys saved from a DistributedDataParallel model (`module.blocks.0…`) have the prefix removed
 * and a note says so, since the same weights saved from one GPU have none.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { unzip, type Reader, type ZipEntry } from 'unzipit';
import { FormatError, fileAccessError } from '../../errors.js';
import { checkAllocation, formatBytes } from '../allocation.js';
import { DTYPE_BYTES, MAX_DEPTH, describe, storageFromPid, unpickle, type PickleKey, type PickleValue, type StorageRef, type TensorRef } from './pickle.js';
import { materialise, type NamedTensor } from './tensor.js';

/** Past this a file is not a model checkpoint Cajal could use (ViT-B with optimizer state is ~1 GB). */
export const MAX_CHECKPOINT_BYTES = 64 * 1024 ** 3;
/** torch writes one entry per storage: a few hundred for a ViT. */
export const MAX_ZIP_ENTRIES = 200_000;
/** The pickle describes the structure only; tensors' bytes live elsewhere. */
export const MAX_PICKLE_BYTES = 256 * 1024 ** 2;

/** A non-tensor value of a checkpoint as plain JS: dicts are Maps, tuples and lists arrays. */
export type CheckpointValue = null | boolean | number | bigint | string | Uint8Array | CheckpointValue[] | Map<PickleKey, CheckpointValue>;

export interface TorchCheckpointOptions {
  /** Only these top-level keys' tensors are read (others are listed in `skipped`); all when absent. */
  parts?: readonly string[];
}

/** Top-level key → tensor name → tensor, plus what else the file held. */
export class TorchCheckpoint extends Map<string, Map<string, NamedTensor>> {
  /** The non-tensor values, by top-level key (`epoch`) or dotted path inside a part (`opt.param_groups`). */
  readonly meta = new Map<string, CheckpointValue>();
  /** Part → prefix removed from all its keys (`module.`). */
  readonly strippedPrefixes = new Map<string, string>();
  /** Parts that hold tensors but were not read (`options.parts`). */
  readonly skipped: string[] = [];
  /** Remarks for the user: prefixes stripped, dtypes converted. */
  readonly notes: string[] = [];
  constructor(
    readonly file: string,
    readonly format: 'zip' | 'legacy',
  ) {
    super();
  }
}

/** Reads a checkpoint written by `torch.save`; see the file comment. */
export async function readTorchCheckpoint(path: string, options: TorchCheckpointOptions = {}): Promise<TorchCheckpoint> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileAccessError(path, error);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_CHECKPOINT_BYTES) {
      throw new FormatError(path, `${formatBytes(size)} is larger than any checkpoint Cajal reads (${formatBytes(MAX_CHECKPOINT_BYTES)})`);
    }
    const head = new Uint8Array(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    const kind = sniff(head.subarray(0, bytesRead));
    if (kind === 'zip') return await readZip(path, handle, size, options);
    if (kind === 'legacy') return await readLegacy(path, handle, size, options);
    if (kind === 'tar') {
      throw new FormatError(path, 'a PyTorch checkpoint in the tar layout of torch < 0.4, which Cajal does not read: load it in Python and save it again with torch.save (any torch ≥ 1.6)');
    }
    throw new FormatError(path, 'not a PyTorch checkpoint (neither a torch.save zip archive nor a legacy torch.save pickle)', undefined, 0);
  } finally {
    await handle.close();
  }
}

function sniff(head: Uint8Array): 'zip' | 'legacy' | 'tar' | 'unknown' {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  // Legacy: a pickle (PROTO opcode) whose first value is the magic number 0x1950a86a20f9469cfc6c;
  // the magic is checked by readLegacy, so any other pickle gets "not a torch.save checkpoint".
  if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) return 'legacy';
  if (new TextDecoder().decode(head.subarray(257, 262)) === 'ustar') return 'tar';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// Zip layout

/** unzipit reads the archive through positioned reads of the open file, never all of it. */
class HandleReader implements Reader {
  constructor(
    private readonly file: string,
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}
  async getLength(): Promise<number> {
    return this.size;
  }
  async read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw new FormatError(this.file, `the zip points at bytes ${offset}…${offset + length}, past its end at ${this.size} (truncated or damaged file)`, undefined, offset);
    }
    checkAllocation(this.file, [length], 1, 'a zip entry');
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(bytes, done, length - done, offset + done);
      if (bytesRead === 0) throw new FormatError(this.file, `the file ends at byte ${offset + done}, inside a zip entry (truncated file)`, undefined, offset + done);
      done += bytesRead;
    }
    return bytes;
  }
}

async function entryBytes(file: string, entry: ZipEntry, limit: number): Promise<Uint8Array> {
  if (entry.encrypted) throw new FormatError(file, 'the zip entry is encrypted', entry.name);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new FormatError(file, `the zip entry uses compression method ${entry.compressionMethod} (torch writes entries uncompressed)`, entry.name);
  }
  if (entry.size > limit) throw new FormatError(file, `the zip entry states ${formatBytes(entry.size)}, more than the ${formatBytes(limit)} it may hold`, entry.name);
  try {
    const bytes = new Uint8Array(await entry.arrayBuffer());
    if (bytes.length !== entry.size) throw new FormatError(file, `the zip entry holds ${bytes.length} bytes, its directory says ${entry.size} (damaged zip)`, entry.name);
    return bytes;
  } catch (error) {
    if (error instanceof FormatError) {
      // Name the entry whose read failed, not just the byte offset.
      throw error.field ? error : new FormatError(file, error.problem, entry.name, error.byteOffset);
    }
    throw new FormatError(file, `cannot read the zip entry (${error instanceof Error ? error.message : String(error)})`, entry.name);
  }
}

async function readZip(file: string, handle: FileHandle, size: number, options: TorchCheckpointOptions): Promise<TorchCheckpoint> {
  let entries: Record<string, ZipEntry>;
  try {
    ({ entries } = await unzip(new HandleReader(file, handle, size)));
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(file, `not a readable zip archive, truncated or damaged (${error instanceof Error ? error.message : String(error)})`);
  }
  const names = Object.keys(entries);
  if (names.length > MAX_ZIP_ENTRIES) throw new FormatError(file, `the zip holds ${names.length} entries, more than a checkpoint has (${MAX_ZIP_ENTRIES})`);
  const pickles = names.filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length === 0) {
    if (names.some((name) => /^[^/]+\/constants\.pkl$/.test(name))) {
      throw new FormatError(file, 'a TorchScript model (torch.jit.save), not a torch.save checkpoint: save the model\'s state_dict() with torch.save');
    }
    throw new FormatError(file, 'a zip archive without a <name>/data.pkl entry: not a torch.save checkpoint');
  }
  if (pickles.length > 1) throw new FormatError(file, `the zip holds ${pickles.length} data.pkl entries (${pickles.slice(0, 3).join(', ')}), not one`);
  const pickleName = pickles[0]!;
  const prefix = pickleName.slice(0, -'data.pkl'.length);

  const byteorderEntry = entries[`${prefix}byteorder`];
  let bigEndian = false;
  if (byteorderEntry) {
    const order = new TextDecoder().decode(await entryBytes(file, byteorderEntry, 64)).trim();
    if (order !== 'little' && order !== 'big') throw new FormatError(file, `byte order "${order}", not little or big`, byteorderEntry.name);
    bigEndian = order === 'big';
  }

  const storages = new Map<string, StorageRef>();
  const pickleBytes = await entryBytes(file, entries[pickleName]!, MAX_PICKLE_BYTES);
  const { value } = unpickle(pickleBytes, {
    file,
    entry: pickleName,
    persistentLoad: (pid, fail) => {
      const storage = storageFromPid(pid, fail);
      const known = storages.get(storage.key);
      if (known && (known.dtype !== storage.dtype || known.numel !== storage.numel)) fail(`storage ${storage.key} is stated twice with different types or sizes`);
      storages.set(storage.key, storage);
      return storage;
    },
  });

  const checkpoint = new TorchCheckpoint(file, 'zip');
  const loadStorage = async (storage: StorageRef): Promise<Uint8Array> => {
    const name = `${prefix}data/${storage.key}`;
    const entry = entries[name];
    if (!entry) throw new FormatError(file, `the pickle refers to storage ${storage.key}, but the zip has no entry ${name} (damaged file)`, name);
    const need = storage.numel * DTYPE_BYTES[storage.dtype];
    if (entry.size < need) {
      throw new FormatError(file, `storage ${storage.key} should hold ${storage.numel} ${storage.dtype} elements (${need} bytes), its entry has ${entry.size} bytes`, name);
    }
    const bytes = await entryBytes(file, entry, Math.max(need, 64));
    if (bigEndian) swapBytes(bytes, DTYPE_BYTES[storage.dtype]);
    return bytes;
  };
  await collect(checkpoint, value, options, loadStorage);
  return checkpoint;
}

/** Big-endian storages (a `byteorder` of `big`) to the little-endian order typed arrays use here. */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let at = 0; at + size <= bytes.length; at += size) {
    for (let i = 0, j = size - 1; i < j; i++, j--) {
      const t = bytes[at + i]!;
      bytes[at + i] = bytes[at + j]!;
      bytes[at + j] = t;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Legacy layout

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

async function readLegacy(file: string, handle: FileHandle, size: number, options: TorchCheckpointOptions): Promise<TorchCheckpoint> {
  checkAllocation(file, [size], 1, 'the whole legacy-format checkpoint');
  const bytes = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const { bytesRead } = await handle.read(bytes, done, size - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  const entry = (what: string) => ({ file, entry: what });
  const magic = unpickle(bytes, entry('magic number'));
  if (magic.value !== LEGACY_MAGIC) throw new FormatError(file, 'a pickle, but not a torch.save checkpoint (wrong magic number)', 'magic number', 0);
  const protocol = unpickle(bytes, entry('protocol version'), magic.end);
  if (protocol.value !== LEGACY_PROTOCOL) throw new FormatError(file, `legacy protocol version ${describe(protocol.value)}, not ${LEGACY_PROTOCOL}`, 'protocol version', magic.end);
  const sysInfo = unpickle(bytes, entry('system info'), protocol.end);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new FormatError(file, 'saved on a big-endian machine in the legacy layout; re-save it with torch ≥ 1.6', 'system info');
  }
  const roots = new Map<string, StorageRef>();
  const object = unpickle(
    bytes,
    {
      file,
      entry: 'object',
      persistentLoad: (pid, fail) => {
        const storage = storageFromPid(pid, fail);
        const known = roots.get(storage.key);
        if (known && known.dtype !== storage.dtype) fail(`storage ${storage.key} is stated twice with different types`);
        if (!known || storage.viewOffset === 0) roots.set(storage.key, storage);
        return storage;
      },
    },
    sysInfo.end,
  );
  const keys = unpickle(bytes, entry('storage keys'), object.end);
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) {
    throw new FormatError(file, `the storage key list is ${describe(keys.value)}`, 'storage keys', object.end);
  }
  // Each storage: int64 element count, then its bytes, in the order of the key list.
  const spans = new Map<string, { start: number; numel: number }>();
  let at = keys.end;
  for (const key of keys.value as string[]) {
    const root = roots.get(key);
    if (!root) throw new FormatError(file, `storage ${key} is listed but no tensor uses it`, 'storage keys');
    if (at + 8 > size) throw new FormatError(file, `the file ends before storage ${key} (truncated file)`, `storage ${key}`, at);
    const numel = Number(new DataView(bytes.buffer, at, 8).getBigInt64(0, true));
    const length = numel * DTYPE_BYTES[root.dtype];
    if (numel < 0 || at + 8 + length > size) {
      throw new FormatError(file, `storage ${key} states ${numel} ${root.dtype} elements, past the end of the file (truncated or damaged file)`, `storage ${key}`, at);
    }
    spans.set(key, { start: at + 8, numel });
    at += 8 + length;
  }
  const checkpoint = new TorchCheckpoint(file, 'legacy');
  checkpoint.notes.push('read from the legacy (pre-1.6) torch.save layout');
  await collect(checkpoint, object.value, options, async (storage) => {
    const span = spans.get(storage.key);
    if (!span) throw new FormatError(file, `the pickle refers to storage ${storage.key}, which the file does not hold`, `storage ${storage.key}`);
    const itemSize = DTYPE_BYTES[storage.dtype];
    if (storage.viewOffset + storage.numel > span.numel) {
      throw new FormatError(file, `storage ${storage.key}: the pickle states ${storage.viewOffset + storage.numel} elements, the file holds ${span.numel}`, `storage ${storage.key}`);
    }
    const start = span.start + storage.viewOffset * itemSize;
    return bytes.subarray(start, start + storage.numel * itemSize);
  });
  return checkpoint;
}

// ---------------------------------------------------------------------------------------------
// From the unpickled tree to parts and values

const isTensor = (value: PickleValue): value is TensorRef => value !== null && typeof value === 'object' && 'kind' in value && value.kind === 'tensor';

function keyText(key: PickleKey): string {
  return typeof key === 'string' ? key : String(key);
}

/** Whether `value` holds a tensor anywhere (bounded: the pickle's nesting is bounded, cycles are cut). */
function holdsTensor(file: string, value: PickleValue, depth = 0): boolean {
  if (depth > MAX_DEPTH) throw new FormatError(file, `values nested more than ${MAX_DEPTH} deep (or a container that contains itself)`, 'data.pkl');
  if (isTensor(value)) return true;
  if (Array.isArray(value)) return value.some((item) => holdsTensor(file, item, depth + 1));
  if (value instanceof Map) {
    for (const item of value.values()) if (holdsTensor(file, item, depth + 1)) return true;
  }
  return false;
}

/** A pickled value without tensors as plain JS (storage types and globals, which only torch internals use, become their names). */
function plain(file: string, value: PickleValue, depth = 0): CheckpointValue {
  if (depth > MAX_DEPTH) throw new FormatError(file, `values nested more than ${MAX_DEPTH} deep (or a container that contains itself)`, 'data.pkl');
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((item) => plain(file, item, depth + 1));
  if (value instanceof Map) {
    const out = new Map<PickleKey, CheckpointValue>();
    for (const [k, v] of value) out.set(k, plain(file, v, depth + 1));
    return out;
  }
  return describe(value);
}

/**
 * Splits the tree into parts (top-level keys holding tensors, flattened) and plain values, then
 * reads the requested parts' tensors storage by storage, each storage's bytes dropped after its
 * last tensor.
 */
async function collect(
  checkpoint: TorchCheckpoint,
  root: PickleValue,
  options: TorchCheckpointOptions,
  loadStorage: (storage: StorageRef) => Promise<Uint8Array>,
): Promise<void> {
  const file = checkpoint.file;
  const refs = new Map<string, Map<string, TensorRef>>();
  if (isTensor(root)) {
    refs.set('', new Map([['', root]]));
  } else if (root instanceof Map) {
    const values = [...root.values()];
    if (values.length > 0 && values.every(isTensor)) {
      // A bare state dict (torch.save(model.state_dict())): one part named ''.
      refs.set('', flatten(file, '', root, checkpoint));
    } else {
      for (const [key, value] of root) {
        const name = keyText(key);
        if (holdsTensor(file, value)) {
          refs.set(name, flatten(file, name, value, checkpoint));
        } else {
          checkpoint.meta.set(name, plain(file, value));
        }
      }
    }
  } else if (Array.isArray(root) && holdsTensor(file, root)) {
    refs.set('', flatten(file, '', root, checkpoint));
  } else {
    checkpoint.meta.set('', plain(file, root));
  }

  for (const [part, tensors] of refs) stripPrefix(checkpoint, part, tensors);

  // Reads grouped by storage, so a storage shared by several views is read once.
  const wanted = [...refs.keys()].filter((part) => !options.parts || options.parts.includes(part));
  checkpoint.skipped.push(...[...refs.keys()].filter((part) => !wanted.includes(part)));
  const byStorage = new Map<StorageRef['key'], { storage: StorageRef; uses: { part: string; name: string; ref: TensorRef }[] }>();
  for (const part of wanted) {
    checkpoint.set(part, new Map());
    for (const [name, ref] of refs.get(part)!) {
      const id = `${ref.storage.key}@${ref.storage.viewOffset}`;
      let group = byStorage.get(id);
      if (!group) byStorage.set(id, (group = { storage: ref.storage, uses: [] }));
      group.uses.push({ part, name, ref });
    }
  }
  const read = new Map<string, NamedTensor>();
  for (const { storage, uses } of byStorage.values()) {
    const bytes = await loadStorage(storage);
    for (const { part, name, ref } of uses) {
      read.set(`${part}\u0000${name}`, materialise(file, part ? `${part}/${name}` : name, { dtype: storage.dtype, offset: ref.offset, shape: ref.shape, stride: ref.stride }, bytes, storage.numel));
    }
  }
  // Insert in the pickle's order (a state dict's order is the module's), not storage order.
  for (const part of wanted) {
    const out = checkpoint.get(part)!;
    for (const name of refs.get(part)!.keys()) out.set(name, read.get(`${part}\u0000${name}`)!);
  }
  const dtypes = new Set<string>();
  for (const part of wanted) for (const tensor of checkpoint.get(part)!.values()) if (tensor.dtype !== 'float32') dtypes.add(tensor.dtype);
  if (dtypes.size > 0) checkpoint.notes.push(`tensors stored as ${[...dtypes].sort().join(', ')} were converted to float32 (each keeps its original dtype)`);
}

/** The tensors under `value` by dotted path; its non-tensor leaves go to `meta` as `part.path`. */
function flatten(file: string, part: string, value: PickleValue, checkpoint: TorchCheckpoint): Map<string, TensorRef> {
  const out = new Map<string, TensorRef>();
  const visit = (node: PickleValue, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) throw new FormatError(file, `values nested more than ${MAX_DEPTH} deep (or a container that contains itself)`, part);
    if (isTensor(node)) {
      if (out.has(path)) throw new FormatError(file, `two tensors are both named "${path}" once nested names are joined with dots`, part);
      out.set(path, node);
      return;
    }
    const children: [string, PickleValue][] | null =
      node instanceof Map ? [...node].map(([k, v]) => [keyText(k), v]) : Array.isArray(node) && holdsTensor(file, node, depth) ? node.map((v, i) => [String(i), v]) : null;
    if (children) {
      for (const [key, child] of children) visit(child, path ? `${path}.${key}` : key, depth + 1);
    } else {
      checkpoint.meta.set(part ? (path ? `${part}.${path}` : part) : path, plain(file, node, depth));
    }
  };
  visit(value, '', 0);
  return out;
}

/** DistributedDataParallel saves `module.<name>`, torch.compile `_orig_mod.<name>`: the same weights, other names. */
const WRAPPER_PREFIXES = ['module.', '_orig_mod.'];

function stripPrefix(checkpoint: TorchCheckpoint, part: string, tensors: Map<string, TensorRef>): void {
  let removed = '';
  for (;;) {
    const names = [...tensors.keys()];
    const prefix = WRAPPER_PREFIXES.find((p) => names.length > 0 && names.every((name) => name.startsWith(p) && name.length > p.length));
    if (!prefix) break;
    const entries = [...tensors];
    tensors.clear();
    for (const [name, ref] of entries) tensors.set(name.slice(prefix.length), ref);
    removed += prefix;
  }
  if (removed) {
    checkpoint.strippedPrefixes.set(part, removed);
    const why = removed.startsWith('module.') ? ' (saved from a DistributedDataParallel model)' : ' (saved from a compiled model)';
    checkpoint.notes.push(`${part || 'state dict'}: the prefix "${removed}" was removed from all ${tensors.size} tensor names${why}`);
  }
}
