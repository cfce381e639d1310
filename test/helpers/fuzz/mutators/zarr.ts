/**
 * Zarr v2 stores, zipped or as a folder: `.zarray` field edits (shape huge, zero or 2^53, odd
 * dtypes, unsupported compressors and filters such as delta…), chunks replaced by a folder, removed,
 * cut or damaged, and broken `.zattrs` / `.zgroup`. Oracles follow the zarr v2 spec: a missing chunk
 * is fill values, but a chunk key that is a folder, a chunk that does not decompress, or metadata
 * that is not the spec's JSON must be refused.
 */
import { between, pickOne, weighted, type Mutation, type Oracle, type Random } from './bytes.js';

/** A store as the mutator sees it: keys relative to the store root, without a leading slash. */
export interface StoreAccess {
  keys(): string[];
  get(key: string): Uint8Array;
  set(key: string, bytes: Uint8Array): void;
  remove(key: string): void;
  /** Replaces `key` by a folder (holding one small file, as a folder left by a bad copy would). */
  makeFolder(key: string): void;
}

const reject = (why: string): Oracle => ({ reject: why });

type Json = Record<string, unknown>;

/** [field, value, must be refused] — values for the .zarray of a 4-D array. */
const ZARRAY_EDITS: readonly (readonly [string, unknown, boolean])[] = [
  ['shape', [3, 50, 50, 2 ** 53], false],
  ['shape', [1e6, 1e6, 1e6, 1e6], false],
  ['shape', [3, 50, 50, 0], false],
  ['shape', [0, 0, 0, 0], false],
  ['shape', [3, 50, 50], true],
  ['shape', [3, 50, 50, -1], true],
  ['shape', [3, 50, 50, 1.5], true],
  ['shape', 'big', true],
  // Large but representable: a sparse array this big is legal zarr, but a whole pass over it is
  // millions of fill-value chunks; the reader (or what bounds a request) must say so, not hang.
  ['shape', [3, 50, 50, 50_000_000], false],
  ['shape', [3, 50, 50, 1e12], false],
  ['shape', [3, 50, 50, 25], false],
  ['shape', [3, 50, 50, 51], false],
  ['chunks', [0, 0, 0, 0], true],
  ['chunks', [1, 1, 1, 1], false],
  ['chunks', [1000000, 1000000, 1000000, 1000000], false],
  ['chunks', [2, 50, 50], true],
  ['chunks', [2, 50, 50, 10_000_000], false],
  ['dtype', '<f8', false],
  ['dtype', '>u2', false],
  ['dtype', '<i8', false],
  ['dtype', '|b1', false],
  ['dtype', '<U8', false],
  ['dtype', '|O', false],
  ['dtype', '<c8', false],
  ['dtype', 'garbage', true],
  ['dtype', '<f2', false],
  ['compressor', { id: 'snappy' }, true],
  ['compressor', null, false],
  ['compressor', { id: 'zstd', level: 1 }, false],
  ['compressor', { id: 'blosc', cname: 'snappy', clevel: 5, shuffle: 1 }, true],
  ['compressor', 'gzip', true],
  ['filters', [{ id: 'delta', dtype: '|u1' }], false],
  ['filters', [{ id: 'delta', dtype: '<u2' }], false],
  ['filters', [{ id: 'no-such-filter' }], true],
  ['filters', [{ id: 'fixedscaleoffset', offset: 0, scale: 0, dtype: '<f8' }], false],
  ['order', 'F', false],
  ['order', 'X', true],
  ['fill_value', 'NaN', false],
  ['fill_value', 1e300, false],
  ['fill_value', 'abc', false],
  ['zarr_format', 3, true],
  ['dimension_separator', '/', false],
];

function editZarray(store: StoreAccess, key: string, random: Random): Mutation {
  const json = JSON.parse(new TextDecoder().decode(store.get(key))) as Json;
  const op = weighted(random, [
    [8, 'field'],
    [1, 'delete-field'],
    [1, 'broken-json'],
    [1, 'not-object'],
  ] as const);
  if (op === 'broken-json') {
    const bytes = store.get(key);
    store.set(key, bytes.subarray(0, between(random, 0, bytes.length)));
    return { description: `${key}: cut short (invalid JSON)`, oracle: reject('.zarray is not valid JSON') };
  }
  if (op === 'not-object') {
    store.set(key, new TextEncoder().encode('[2, 3]'));
    return { description: `${key}: replaced by a JSON list`, oracle: reject('.zarray is not a JSON object') };
  }
  if (op === 'delete-field') {
    const field = pickOne(random, ['shape', 'chunks', 'dtype', 'order', 'zarr_format', 'compressor', 'fill_value']);
    delete json[field];
    store.set(key, new TextEncoder().encode(JSON.stringify(json)));
    const required = ['shape', 'chunks', 'dtype', 'order', 'zarr_format', 'compressor', 'fill_value'].includes(field);
    return { description: `${key}: field "${field}" removed`, ...(required ? { oracle: reject(`.zarray without "${field}"`) } : {}) };
  }
  const [field, value, refuse] = pickOne(random, ZARRAY_EDITS);
  // Shapes and chunks are written for a 4-D array; rank edits of other arrays follow the same idea.
  json[field] = value;
  store.set(key, new TextEncoder().encode(JSON.stringify(json, null, 4)));
  return { description: `${key}: "${field}" set to ${JSON.stringify(value)}`, ...(refuse ? { oracle: reject(`${field} ${JSON.stringify(value)} breaks the zarr v2 spec`) } : {}) };
}

/** Chunk index of a v2 chunk key (`1.0.0.0`), or null for metadata keys. */
const chunkIndex = (name: string): number[] | null => (/^\d+(\.\d+)*$/.test(name) ? name.split('.').map(Number) : null);

function editChunk(store: StoreAccess, array: string, random: Random): Mutation {
  const prefix = array ? `${array}/` : '';
  const chunks = store.keys().filter((key) => key.startsWith(prefix) && chunkIndex(key.slice(prefix.length)) !== null);
  if (!chunks.length) return { description: `${array}: no chunks; unchanged` };
  const key = pickOne(random, chunks);
  const meta = JSON.parse(new TextDecoder().decode(store.get(`${prefix}.zarray`))) as { chunks: number[] };
  const focus = chunkIndex(key.slice(prefix.length))!.map((i, axis) => i * (meta.chunks[axis] ?? 1));
  const op = weighted(random, [
    [3, 'folder'],
    [2, 'remove'],
    [3, 'truncate'],
    [3, 'flip'],
    [1, 'empty'],
    [1, 'swap'],
  ] as const);
  const bytes = store.get(key);
  switch (op) {
    case 'folder':
      store.makeFolder(key);
      return { description: `chunk ${key} replaced by a folder`, focus, oracle: reject('a chunk key that is a folder is not a missing chunk') };
    case 'remove':
      store.remove(key);
      return { description: `chunk ${key} removed (reads as fill values)`, focus };
    case 'truncate': {
      const at = between(random, 0, bytes.length);
      store.set(key, bytes.subarray(0, at));
      return { description: `chunk ${key} cut at byte ${at} of ${bytes.length}`, focus, oracle: reject('a cut chunk does not decompress to its full size') };
    }
    case 'flip': {
      const out = new Uint8Array(bytes);
      const count = between(random, 1, 9);
      for (let k = 0; k < count; k++) {
        const at = between(random, 0, out.length);
        out[at] = out[at]! ^ (1 << between(random, 0, 8));
      }
      store.set(key, out);
      return { description: `chunk ${key}: ${count} bit flip(s)`, focus };
    }
    case 'empty':
      store.set(key, new Uint8Array());
      return { description: `chunk ${key} emptied (0 bytes)`, focus, oracle: reject('an empty chunk is not a compressed chunk') };
    case 'swap': {
      const other = pickOne(random, chunks);
      store.set(key, store.get(other));
      return { description: `chunk ${key} replaced by the bytes of chunk ${other}`, focus };
    }
  }
}

/** One seeded mutation of a zarr v2 store. */
export function mutateZarrStore(store: StoreAccess, random: Random): Mutation {
  const arrays = store.keys().filter((key) => key.endsWith('.zarray')).map((key) => key.slice(0, -'/.zarray'.length));
  const array = pickOne(random, arrays);
  const op = weighted(random, [
    [6, 'zarray'],
    [6, 'chunk'],
    [1, 'zattrs'],
    [1, 'zgroup'],
  ] as const);
  switch (op) {
    case 'zarray':
      return editZarray(store, `${array}/.zarray`, random);
    case 'chunk':
      return editChunk(store, array, random);
    case 'zattrs': {
      const key = `${array}/.zattrs`;
      const value = pickOne(random, ['{"dim_neurons": [99, "x", null]}', '{"dim_neurons": 3}', '{oops', '']);
      store.set(key, new TextEncoder().encode(value));
      const broken = value === '{oops' || value === '';
      return { description: `${key} set to ${JSON.stringify(value)}`, ...(broken ? { oracle: reject('.zattrs is not valid JSON') } : {}) };
    }
    case 'zgroup': {
      const groups = store.keys().filter((key) => key.endsWith('.zgroup'));
      const key = pickOne(random, groups.length ? groups : ['.zgroup']);
      if (random() < 0.5) {
        store.remove(key);
        return { description: `${key} removed` };
      }
      store.set(key, new TextEncoder().encode('{"zarr_format": 7}'));
      return { description: `${key} says zarr_format 7` };
    }
  }
}
