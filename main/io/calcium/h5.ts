/**
 * The few HDF5 reads the calcium readers (Flavell-lab files, NWB, plain HDF5) need, on h5wasm as
 * in `io/hdf5`: the file is opened in place (NODERAWFS) and only what is asked for is read. Numeric
 * reads check HDF5's status (h5wasm's own `value`/`slice` ignore it, so a chunk that fails to
 * inflate would come back as stale heap bytes) and go in slabs of rows, so a long recording never
 * sits twice in the wasm heap. Strings, references and compounds (small: names, ids, masks) go
 * through h5wasm's own converters.
 */
import h5wasm from 'h5wasm/node';
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape } from '../allocation.js';
import { dtypeName, H5T_FLOAT, H5T_INTEGER, readHyperslab, type H5Dataset, type H5Group } from '../hdf5/open.js';

// Opening and signatures are the HDF5 module's (one copy for every HDF5 reader); re-exported for the calcium readers.
export { HDF5_SIGNATURE, hasHdf5Signature, openH5, type H5Dataset, type H5File, type H5Group } from '../hdf5/open.js';

export const isGroup = (entity: unknown): entity is H5Group => entity instanceof h5wasm.Group;
export const isDataset = (entity: unknown): entity is H5Dataset => entity instanceof h5wasm.Dataset;

/** The entity at `path`, or null when there is none (or it is a broken link). */
export function entityAt(group: H5Group, path: string): H5Group | H5Dataset | null {
  try {
    const entity = group.get(path);
    return isGroup(entity) || isDataset(entity) ? entity : null;
  } catch {
    return null;
  }
}

/** The children of a group that h5wasm can resolve, by name. */
export function childrenOf(group: H5Group): [string, H5Group | H5Dataset][] {
  const out: [string, H5Group | H5Dataset][] = [];
  for (const name of group.keys()) {
    const entity = entityAt(group, name);
    if (entity) out.push([name, entity]);
  }
  return out;
}

/** An attribute as a JS value (a string, number, array, Reference…), or undefined. */
export function attribute(entity: H5Group | H5Dataset, name: string): unknown {
  try {
    const attrs = entity.attrs;
    if (!(name in attrs)) return undefined;
    return attrs[name]!.value;
  } catch {
    return undefined;
  }
}

/** A string attribute (the first, for a 1-element array), or undefined. */
export function stringAttribute(entity: H5Group | H5Dataset, name: string): string | undefined {
  const value = attribute(entity, name);
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** A numeric attribute (the first, for a 1-element array), or undefined. */
export function numberAttribute(entity: H5Group | H5Dataset, name: string): number | undefined {
  const value = attribute(entity, name);
  const first = Array.isArray(value) || ArrayBuffer.isView(value) ? (value as ArrayLike<unknown>)[0] : value;
  if (typeof first === 'number') return first;
  if (typeof first === 'bigint') return Number(first);
  return undefined;
}

/** numpy-style name of a dataset's element type (`float64`, `int32`, `string`…). */
export function dtypeOf(dataset: H5Dataset): string {
  return dtypeName(dataset.metadata);
}

export const isNumeric = (dataset: H5Dataset): boolean =>
  (dataset.metadata.type === H5T_INTEGER && [1, 2, 4, 8].includes(dataset.metadata.size)) ||
  (dataset.metadata.type === H5T_FLOAT && [4, 8].includes(dataset.metadata.size));

export const shapeOf = (dataset: H5Dataset): number[] => [...(dataset.metadata.shape ?? [])];

/** Every dataset under `group`, depth first, as `a/b/c` paths with shape and dtype (for messages). */
export function listDatasets(group: H5Group, prefix = ''): { path: string; shape: number[]; dtype: string }[] {
  const out: { path: string; shape: number[]; dtype: string }[] = [];
  for (const [name, entity] of childrenOf(group)) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (isDataset(entity)) out.push({ path, shape: shapeOf(entity), dtype: dtypeOf(entity) });
    else out.push(...listDatasets(entity, path));
  }
  return out;
}

export function describeDatasets(entries: readonly { path: string; shape: number[]; dtype: string }[]): string {
  if (entries.length === 0) return 'none';
  return entries.map((e) => `${e.path} (${e.shape.join('×') || 'scalar'} ${e.dtype})`).join(', ');
}

/** Numbers of a native-order byte block of the dataset's element type. */
function numbersOf(bytes: Uint8Array, type: number, size: number, signed: boolean): ArrayLike<number> | BigInt64Array | BigUint64Array {
  const buffer = bytes.buffer as ArrayBuffer;
  const { byteOffset: offset } = bytes;
  const count = bytes.byteLength / size;
  if (type === H5T_FLOAT) return size === 4 ? new Float32Array(buffer, offset, count) : new Float64Array(buffer, offset, count);
  switch (size) {
    case 1:
      return signed ? new Int8Array(buffer, offset, count) : new Uint8Array(buffer, offset, count);
    case 2:
      return signed ? new Int16Array(buffer, offset, count) : new Uint16Array(buffer, offset, count);
    case 4:
      return signed ? new Int32Array(buffer, offset, count) : new Uint32Array(buffer, offset, count);
    default:
      return signed ? new BigInt64Array(buffer, offset, count) : new BigUint64Array(buffer, offset, count);
  }
}

/** Bytes per slab read; large enough to be fast, small enough not to grow the wasm heap much. */
const SLAB_BYTES = 16 * 1024 * 1024;

/**
 * Visits a numeric dataset (0-, 1- or 2-D… any rank) in slabs of whole rows of its first axis:
 * `visit(firstRow, rows, values)` with `values` in C order. Throws a FormatError naming the dataset
 * when it is not numeric or HDF5 reports a read error.
 */
export function readRows(
  dataset: H5Dataset,
  file: string,
  visit: (firstRow: number, rows: number, values: ArrayLike<number> | BigInt64Array | BigUint64Array) => void,
): void {
  const meta = dataset.metadata;
  const path = dataset.path.replace(/^\//, '');
  if (!isNumeric(dataset)) throw new FormatError(file, `dataset "${path}" holds ${dtypeOf(dataset)} values, not numbers`, path);
  const shape = shapeOf(dataset);
  const rowElements = shape.slice(1).reduce((a, b) => a * b, 1);
  const totalRows = shape.length === 0 ? 1 : shape[0]!;
  const rowsPerSlab = Math.max(1, Math.floor(SLAB_BYTES / Math.max(1, rowElements * meta.size)));
  for (let first = 0; first < totalRows; first += rowsPerSlab) {
    const rows = Math.min(rowsPerSlab, totalRows - first);
    if (rows * rowElements * meta.size === 0) continue;
    // A scalar is read whole (empty start and extent).
    const start = shape.length === 0 ? [] : [first, ...shape.slice(1).map(() => 0)];
    const extent = shape.length === 0 ? [] : [rows, ...shape.slice(1)];
    const bytes = readHyperslab(dataset, start, extent, meta.size);
    if (!bytes) {
      throw new FormatError(file, `dataset "${path}" cannot be read: HDF5 reports a read error (the file is corrupt or truncated)`, path);
    }
    visit(first, rows, numbersOf(bytes, meta.type, meta.size, meta.signed));
  }
}

/** A whole numeric dataset as float64 numbers in C order (for small ones: times, ids, indices). */
export function readFloat64(dataset: H5Dataset, file: string): Float64Array {
  const shape = shapeOf(dataset);
  const path = dataset.path.replace(/^\//, '');
  checkShape(file, shape, { what: `dataset "${path}"`, field: path, allowEmpty: true });
  checkAllocation(file, shape, 8, `dataset "${path}" as float64`);
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1));
  const rowElements = shape.slice(1).reduce((a, b) => a * b, 1);
  readRows(dataset, file, (first, _rows, values) => {
    const base = first * rowElements;
    for (let i = 0; i < values.length; i++) out[base + i] = Number(values[i]!);
  });
  return out;
}

/**
 * A 2-D numeric dataset as a cells × frames Float32Array. `cellsFirst` says which axis the file's
 * rows are: true → rows are cells (copied as is), false → rows are frames (transposed while read).
 */
export function readTraces(dataset: H5Dataset, file: string, cellsFirst: boolean): { cells: number; frames: number; traces: Float32Array } {
  const shape = shapeOf(dataset);
  const path = dataset.path.replace(/^\//, '');
  if (shape.length !== 2) throw new FormatError(file, `dataset "${path}" is ${shape.length}-D (${shape.join('×') || 'scalar'}); traces must be a 2-D matrix`, path);
  const [rowCount, columnCount] = shape as [number, number];
  const cells = cellsFirst ? rowCount : columnCount;
  const frames = cellsFirst ? columnCount : rowCount;
  // Checked before the allocation below, which a damaged shape would make fail inside V8 (or hang).
  checkShape(file, shape, { what: `traces "${path}" (${cellsFirst ? 'cells × frames' : 'frames × cells'})`, field: path });
  checkAllocation(file, shape, 4, `traces "${path}" as float32`);
  const traces = new Float32Array(cells * frames);
  readRows(dataset, file, (first, rows, values) => {
    if (cellsFirst) {
      for (let i = 0; i < values.length; i++) traces[first * columnCount + i] = Number(values[i]!);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const frame = first + r;
      for (let cell = 0; cell < columnCount; cell++) traces[cell * frames + frame] = Number(values[r * columnCount + cell]!);
    }
  });
  return { cells, frames, traces };
}
