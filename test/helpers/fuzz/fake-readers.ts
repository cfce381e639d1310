/**
 * Fake readers for the harness self-test (test/unit/fuzz-harness.test.ts): one procedure, `fake`,
 * that misbehaves as the case file's first word says, so the test proves the harness sees each
 * failure class rather than passing vacuously.
 */
import { readFileSync, writeSync } from 'node:fs';
import { FormatError } from '../../../main/errors.js';
import type { Accepted, Procedure } from './procedures.js';

/** A volume summary (judged by the volume invariants) with the given shape. */
const volume = (shape: number[]): Accepted => {
  const voxels = shape.reduce((a, b) => a * b, 1);
  return {
    warnings: [],
    summary: {
      entries: [],
      datasets: [{ dataset: 'x', dtype: 'uint8', shape, chunks: shape, fullRead: true, expectedVoxels: voxels, blocks: 1, voxels, badBlocks: 0, outOfBounds: 0, dtypeMismatch: 0, nonFinite: 0 }],
    },
  };
};

const fake: Procedure = async (path) => {
  const behaviour = readFileSync(path, 'utf8').trim();
  switch (behaviour) {
    case 'ok':
      return volume([2, 3, 4]);
    case 'wrong':
      return volume([2, 0, 4]);
    case 'clear':
      throw new FormatError(path, 'the frobnication count is negative', 'frobnication count', 12);
    case 'bug':
      throw new TypeError("Cannot read properties of undefined (reading 'length')");
    case 'anonymous':
      throw new FormatError('somewhere-else.bin', 'the frobnication count is negative', 'frobnication count', 12);
    case 'noisy':
      writeSync(2, 'HDF5-DIAG: Error detected in HDF5 (1.14.2):\n  #000: H5F.c line 836 in H5Fopen(): unable to open file\n');
      throw new FormatError(path, 'the file is truncated', undefined, 0);
    case 'loop':
      for (;;) {
        // a reader stuck in a loop never yields
      }
    case 'exit':
      process.exit(3);
    case 'late-rejection':
      void Promise.reject(new Error('a rejection nobody handles'));
      return volume([1]);
    case 'allocate': {
      const held: Buffer[] = [];
      for (;;) {
        held.push(Buffer.alloc(64 * 1024 * 1024, 1));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    default:
      throw new Error(`fake reader: unknown behaviour ${behaviour}`);
  }
};

export const procedures: Record<string, Procedure> = { fake };
