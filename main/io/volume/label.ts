/**
 * What makes an array usable as a label volume, checked from its metadata before any voxel is read,
 * so a wrong dataset (the raw image instead of the labels, a 2D slice…) fails at once with the file
 * and dataset named rather than deep inside a metric.
 */
import { FormatError } from '../../errors.js';
import type { DatasetInfo, VolumeDtype } from './types.js';

export interface LabelVolumeExpectation {
  /** Accepted ranks (default [3, 4]: ZYX, or CZYX with one channel per instance). */
  readonly ranks?: readonly number[];
  /** Accept float arrays (off by default: label ids are integers; a float array is usually an image). */
  readonly allowFloat?: boolean;
}

const FLOAT_DTYPES: ReadonlySet<VolumeDtype> = new Set(['float32', 'float64']);

/** Throws a FormatError naming the file and dataset when `info` cannot be a label volume; returns it otherwise. */
export function expectLabelVolume(info: DatasetInfo, expectation: LabelVolumeExpectation = {}): DatasetInfo {
  const ranks = expectation.ranks ?? [3, 4];
  const where = info.dataset ? `dataset "${info.dataset}"` : 'volume';
  const shape = info.shape.join('×') || 'scalar';
  if (!ranks.includes(info.shape.length)) {
    throw new FormatError(
      info.file,
      `${where} has rank ${info.shape.length} (shape ${shape}); a label volume needs rank ${ranks.join(' or ')}`,
      'shape',
    );
  }
  if (!expectation.allowFloat && FLOAT_DTYPES.has(info.dtype)) {
    throw new FormatError(info.file, `${where} holds ${info.dtype} values; label ids must be integers`, 'dtype');
  }
  if (info.shape.some((extent) => extent === 0)) {
    throw new FormatError(info.file, `${where} is empty (shape ${shape})`, 'shape');
  }
  return info;
}
