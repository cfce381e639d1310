/**
 * The size checks every reader runs before trusting a shape (main/io/allocation.ts), and how
 * out-of-memory failures are recognised and reported: an error for the user, never a warning or
 * an "internal error" (issue #15).
 */
import { constants } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { FileAccessError, FormatError, UserError, describeError } from '../../main/errors.js';
import {
  checkAllocation,
  checkShape,
  checkStreamedSize,
  formatBytes,
  InsufficientMemoryError,
  isOutOfMemory,
  MAX_STREAMED_BYTES,
  memoryBudgetBytes,
  rethrowIfOutOfMemory,
} from '../../main/io/allocation.js';

const errorOf = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('checkShape', () => {
  it('returns the element count of a sound shape', () => {
    expect(checkShape('f', [3, 4, 5], { what: 'volume' })).toBe(60);
    expect(checkShape('f', [], { what: 'volume' })).toBe(1);
    expect(checkShape('f', [0, 3], { what: 'array', allowEmpty: true })).toBe(0);
  });

  it('names the empty axis, a broken extent, and a count past 2^53', () => {
    expect((errorOf(() => checkShape('v.zarr', [3, 0, 50, 50], { what: 'volume', field: 'a/.zarray shape' })) as Error).message).toBe(
      'v.zarr: field "a/.zarray shape": empty volume: dimension 1 has size 0 (shape 3×0×50×50)',
    );
    expect((errorOf(() => checkShape('f', [2, -1], { what: 'volume' })) as Error).message).toMatch(/dimension 1 has size -1, not a whole number below 2\^53/);
    expect((errorOf(() => checkShape('f', [2.5], { what: 'volume' })) as Error).message).toMatch(/dimension 0 has size 2\.5/);
    expect(errorOf(() => checkShape('f', [2 ** 30, 2 ** 30, 2 ** 30], { what: 'volume' }))).toBeInstanceOf(FormatError);
  });
});

describe('budgets', () => {
  it('never budgets more than one Buffer can hold, nor nothing', () => {
    const budget = memoryBudgetBytes();
    expect(budget).toBeLessThanOrEqual(constants.MAX_LENGTH);
    expect(budget).toBeGreaterThan(64 * 1024 ** 2);
  });

  it('refuses an allocation past the budget with the sizes, as a user error', () => {
    expect(checkAllocation('f', [10, 10], 4, 'traces')).toBe(400);
    const error = errorOf(() => checkAllocation('rec.h5', [200_000, 200_000], 4, 'traces "x" as float32'));
    expect(error).toBeInstanceOf(InsufficientMemoryError);
    expect(error).toBeInstanceOf(FileAccessError);
    expect((error as UserError).code).toBe('io');
    expect(describeError(error)).toMatch(/^not enough memory to read rec\.h5 \(traces "x" as float32: 200000×200000 × 4 bytes = 149 GiB; .* can be allocated now\)$/);
  });

  it('bounds a streamed pass at 64 GiB', () => {
    expect(() => checkStreamedSize('f', [64, 1024, 1024, 1024], 1, 'array "a"')).not.toThrow();
    expect(MAX_STREAMED_BYTES).toBe(64 * 1024 ** 3);
    expect(() => checkStreamedSize('f', [65, 1024, 1024, 1024], 1, 'array "a"')).toThrow(/array "a" is 65×1024×1024×1024 × 1 bytes = 65 GiB, more than the 64 GiB/);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(7.5e12)).toBe('6.8 TiB');
  });
});

describe('out of memory', () => {
  it('recognises V8, Node and Emscripten out-of-memory failures, and nothing else', () => {
    const oom = [
      new RangeError('Array buffer allocation failed'),
      new RangeError('Invalid typed array length: 4294967297'),
      new RangeError('Invalid array length'),
      new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'),
      new WebAssembly.RuntimeError('memory access out of bounds'),
      new Error('Cannot enlarge memory arrays to size 4294967296 bytes'),
      new RangeError('h5wasm: cannot allocate 3600000000 bytes in the wasm heap (out of memory)'),
      Object.assign(new RangeError('File size (3000000000) is greater than 2 GiB'), { code: 'ERR_FS_FILE_TOO_LARGE' }),
      Object.assign(new Error('Cannot create a string longer than 0x1fffffe8 characters'), { code: 'ERR_STRING_TOO_LONG' }),
    ];
    for (const error of oom) expect(isOutOfMemory(error), error.message).toBe(true);
    for (const error of [new Error('bad symbol table node'), new TypeError('x is not a function'), new FormatError('f', 'out of memory in the name')]) {
      expect(isOutOfMemory(error), error.message).toBe(false);
    }
  });

  it('rethrows one as a readable error without the engine\'s words, and lets others pass', () => {
    const error = errorOf(() => rethrowIfOutOfMemory(new Error('Aborted(OOM)'), 'a.nwb', 'the ROI table of x'));
    expect(error).toBeInstanceOf(InsufficientMemoryError);
    expect((error as Error).message).toBe('not enough memory to read a.nwb (the ROI table of x)');
    expect(() => rethrowIfOutOfMemory(new Error('bad heap'), 'a.nwb', 'x')).not.toThrow();
  });
});
