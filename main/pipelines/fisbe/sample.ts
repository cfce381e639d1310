/**
 * Reads a ground-truth / prediction pair from disk into prepared sparse labels, chunk by chunk so a
 * 1.3 GB ground-truth stack never sits in memory densely.
 */
import { ValidationError } from '../../errors.js';
import { openVolume } from '../../io/volumes.js';
import { voxelCount, type DatasetInfo } from '../../io/volume/types.js';
import { commonShape, LabelCollector, prepareLabels, type PreparedLabels, type Shape3 } from './labels.js';

export interface SampleFiles {
  gtPath: string;
  gtDataset: string;
  predPath: string;
  predDataset: string;
  /** Predicted labels of at most this many voxels are removed (flylight preset: 800). */
  removeSmallComponents: number;
}

export interface LoadedSample {
  gt: PreparedLabels;
  pred: PreparedLabels;
  /** Relabelled ids of the GT's dim neurons (`dim_neurons` attribute). */
  dimIds: number[];
  shape: Shape3;
  gtInfo: DatasetInfo;
  predInfo: DatasetInfo;
  warnings: string[];
}

const INTEGER_DTYPES = new Set(['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32']);

/** Spatial shape of a label array: ZYX, or CZYX / 1ZYX with a channel axis first. */
function spatialShape(info: DatasetInfo): Shape3 {
  if (!INTEGER_DTYPES.has(info.dtype)) {
    throw new ValidationError(`${info.file}:${info.dataset}`, `label volumes must hold integer ids, found ${info.dtype}`);
  }
  if (info.shape.length !== 3 && info.shape.length !== 4) {
    throw new ValidationError(
      `${info.file}:${info.dataset}`,
      `expected a 3D (z, y, x) or 4D (channel, z, y, x) label array, found shape ${info.shape.join('×')}`,
    );
  }
  return info.shape.slice(-3) as unknown as Shape3;
}

export async function loadSample(
  files: SampleFiles,
  onProgress: (fraction: number, message: string) => void = () => {},
  throwIfCancelled: () => void = () => {},
): Promise<LoadedSample> {
  const gtSource = await openVolume(files.gtPath, files.gtDataset);
  try {
    const predSource = await openVolume(files.predPath, files.predDataset);
    try {
      const gtSpatial = spatialShape(gtSource.info);
      const predSpatial = spatialShape(predSource.info);
      const shape = commonShape(gtSpatial, predSpatial);
      const warnings: string[] = [];
      if (shape.some((extent, axis) => extent !== gtSpatial[axis] || extent !== predSpatial[axis])) {
        warnings.push(`shapes differ (gt ${gtSpatial.join('×')}, prediction ${predSpatial.join('×')}): centre-cropped to ${shape.join('×')}`);
      }

      // Each volume is half of the reading progress.
      const collect = async (source: typeof gtSource, collector: LabelCollector, base: number, message: string) => {
        const total = 2 * voxelCount(source.info.shape);
        let done = 0;
        await source.forEachChunk((origin, chunk) => {
          throwIfCancelled();
          collector.add(origin, chunk);
          onProgress(base + Math.min(0.5, (done += chunk.data.length) / total), message);
        });
      };
      const gtCollector = new LabelCollector(files.gtPath, gtSpatial, shape);
      await collect(gtSource, gtCollector, 0, 'reading ground truth');
      const predCollector = new LabelCollector(files.predPath, predSpatial, shape);
      await collect(predSource, predCollector, 0.5, 'reading prediction');
      const gtChannels = gtSource.info.shape.length === 4 ? gtSource.info.shape[0]! : 1;
      const predChannels = predSource.info.shape.length === 4 ? predSource.info.shape[0]! : 1;
      const { labels: gt, forwardMap } = prepareLabels(gtCollector.finish(), shape, gtChannels);
      const { labels: pred } = prepareLabels(predCollector.finish(), shape, predChannels, {
        removeSmallComponents: files.removeSmallComponents,
      });
      if (gt.instances.length === 0) warnings.push(`${files.gtPath}: the ground truth is empty`);
      if (pred.instances.length === 0) warnings.push(`${files.predPath}: the prediction is empty`);

      const dimIds: number[] = [];
      const dim = gtSource.info.attributes['dim_neurons'];
      if (Array.isArray(dim)) {
        for (const value of dim) {
          const id = typeof value === 'number' ? forwardMap.get(value) : undefined;
          if (id === undefined) warnings.push(`dim_neurons lists ${String(value)}, which is not a label of the ground truth; ignored`);
          else dimIds.push(id);
        }
      }
      return { gt, pred, dimIds, shape, gtInfo: gtSource.info, predInfo: predSource.info, warnings };
    } finally {
      await predSource.close();
    }
  } finally {
    await gtSource.close();
  }
}
