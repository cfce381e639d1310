/**
 * Opening HDF5 files with h5wasm, and the low-level pieces every HDF5 reader needs (the volume
 * reader here, the calcium readers in `io/calcium`): one copy, so both check signatures, report
 * broken files and read hyperslabs the same way.
 *
 * h5wasm's Node build uses Emscripten's NODERAWFS: the file is opened in place on the real file
 * system and only the chunks a read touches are loaded.
 */
import { openSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { devNull } from 'node:os';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { rethrowIfOutOfMemory } from '../allocation.js';
import { expectFile } from '../volume/file.js';
import { voxelCount } from '../volume/types.js';

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Group = InstanceType<typeof h5wasm.Group>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;
export type H5Metadata = H5Dataset['metadata'];
type H5Module = Awaited<typeof h5wasm.ready>;

/** The HDF5 signature, at byte 0 or after a user block (512, 1024, 2048… bytes). */
export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` (the start of a file) hold the HDF5 signature at 0 or at a user-block offset. */
export function hasHdf5Signature(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((byte, i) => bytes[offset + i] === byte)) return true;
  }
  return false;
}

/**
 * Checks the HDF5 signature (at byte 0, or after a user block at 512, 1024, 2048…) so that a file
 * that is not HDF5 is reported as such, not by an HDF5 library error stack.
 */
async function checkSignature(file: string): Promise<void> {
  let handle;
  try {
    handle = await openFile(file, 'r');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      await handle.read(bytes, 0, 8, offset);
      if (bytes.every((byte, i) => byte === HDF5_SIGNATURE[i])) return;
    }
    throw new FormatError(file, 'not an HDF5 file (no HDF5 signature)', undefined, 0);
  } finally {
    await handle.close();
  }
}

let module: H5Module | null = null;

/** Emscripten's file-system streams, as far as `silenceDiagnostics` needs them. */
interface StreamTable {
  streams?: ({ nfd?: unknown } | null | undefined)[];
}

/**
 * Sends the wasm module's stderr to the null device. HDF5 prints its whole error stack
 * ("HDF5-DIAG: Error detected in HDF5…", 20–50 lines) on every failed call, and h5wasm exposes no
 * H5Eset_auto to turn that off (its throwing handler unwinds through HDF5's C frames, which leaves
 * the library's state unknown). Every failure is still reported: we check each call's status and
 * raise a FormatError that names the file. Under NODERAWFS, wasm fd 2 is an Emscripten stream
 * whose `nfd` is the real descriptor it writes to; pointing it at the null device touches
 * nothing outside this module. `CAJAL_HDF5_DIAG=1` keeps the stack, for debugging a reader.
 */
function silenceDiagnostics(h5: H5Module): void {
  if (process.env['CAJAL_HDF5_DIAG']) return;
  try {
    const stream = (h5.FS as unknown as StreamTable).streams?.[2];
    if (stream && typeof stream.nfd === 'number') stream.nfd = openSync(devNull, 'w');
  } catch {
    // The diagnostics stay on stderr: noise, not a wrong result.
  }
}

/** Why h5wasm could not open a file that has the HDF5 signature, in one line. */
const TRUNCATED = 'truncated or corrupt HDF5 file: it has the HDF5 signature but HDF5 cannot open it';

/**
 * `error`, thrown by h5wasm while reading `what` of `file`, as the error a user should see. h5wasm
 * reports damage inside an open file (a group's links or an object header past the end-of-file
 * address, a broken heap) as plain Errors ("error - name not defined!"), which would read as a bug;
 * they become one FormatError line. User errors pass through and running out of wasm memory stays
 * an out-of-memory error.
 */
export function hdf5DamageError(error: unknown, file: string, what: string): UserError {
  if (error instanceof UserError) return error;
  rethrowIfOutOfMemory(error, file, what);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new FormatError(file, `truncated or corrupt HDF5 file (${what} cannot be read: ${message})`);
}

/**
 * Opens `file` read-only with h5wasm, loading the wasm module on first use (FileAccessError /
 * FormatError for a missing, non-HDF5 or broken file).
 */
export async function openH5(file: string): Promise<H5File> {
  await expectFile(file);
  await checkSignature(file);
  if (!module) {
    module = await h5wasm.ready;
    silenceDiagnostics(module);
  }
  let h5: H5File;
  try {
    h5 = new h5wasm.File(resolve(file), 'r');
  } catch (error) {
    throw new FormatError(file, `${TRUNCATED} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, undefined, 0);
  }
  // h5wasm does not throw when H5Fopen fails (a truncated file, say): it hands back an invalid id.
  if (h5.file_id < 0n) throw new FormatError(file, TRUNCATED, undefined, 0);
  return h5;
}

// HDF5 datatype classes as h5wasm reports them (H5T_class_t).
export const H5T_INTEGER = 0;
export const H5T_FLOAT = 1;
const CLASS_NAMES: Record<number, string> = {
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'vlen',
  10: 'array',
};

/** The element type numpy would name (`int32`, `float64`, `string`…). */
export function dtypeName(meta: H5Metadata): string {
  if (meta.type === H5T_INTEGER) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === H5T_FLOAT) return `float${meta.size * 8}`;
  return CLASS_NAMES[meta.type] ?? `class ${meta.type}`;
}

/** The largest single read into the wasm heap (see readHyperslab). */
export const MAX_WASM_READ_BYTES = 2 ** 31;

/**
 * Reads a hyperslab (`extent` elements from `start`; both empty for a scalar dataset) as
 * native-order bytes, or null when HDF5 reports a failure. Not h5wasm's `Dataset.slice`: it ignores
 * the status of the read, so a chunk that fails to inflate comes back as whatever the wasm heap
 * held. The same call underneath, with its status checked (HDF5's error stack goes to the null
 * device: see silenceDiagnostics). The dataset's file must come from openH5.
 */
export function readHyperslab(dataset: H5Dataset, start: readonly number[], extent: readonly number[], bytesPerElement: number): Uint8Array | null {
  const h5 = module!;
  const nbytes = bytesPerElement * voxelCount(extent);
  // wasm32 pointers and sizes are 32-bit: a larger request would wrap around to a small buffer
  // that HDF5 then writes past. The heap cannot hold 2 GiB next to HDF5's own chunk buffers anyway.
  if (nbytes >= MAX_WASM_READ_BYTES) throw new RangeError(`h5wasm: cannot allocate ${nbytes} bytes in the wasm heap (out of memory)`);
  const pointer = h5._malloc(Math.max(1, nbytes));
  // A RangeError that allocation.ts's isOutOfMemory recognises: callers report it as out of memory.
  if (pointer === 0) throw new RangeError(`h5wasm: cannot allocate ${nbytes} bytes in the wasm heap (out of memory)`);
  try {
    const whole = extent.length === 0;
    const status = h5.get_dataset_data(
      dataset.file_id,
      dataset.path,
      whole ? null : extent.map(BigInt),
      whole ? null : start.map(BigInt),
      whole ? null : extent.map(() => 1n),
      BigInt(pointer),
    );
    if (status < 0) return null;
    // HEAPU8 is read after the call: the heap may have grown (and been replaced) during it.
    return h5.HEAPU8.slice(pointer, pointer + nbytes);
  } finally {
    h5._free(pointer);
  }
}
