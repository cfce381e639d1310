/**
 * What the 3D error view asks of a stored FISBe evaluation: the run list, the metric tables and
 * instances, each instance's skeleton and isosurface, and orthogonal slices through both label sets.
 * Everything is read back from the run's results, so a view can be reopened after the source files
 * moved, and shows exactly what was scored.
 */
import type {
  FisbeAxis,
  FisbeInstance,
  FisbeInstanceGeometry,
  FisbeMetrics,
  FisbeRunSummary,
  FisbeSample,
  FisbeSlice,
} from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { surfaceNets } from '../../geometry/surface-nets.js';
import { FISBE_RESULT } from '../../pipelines/fisbe/index.js';
import { boundingBox, lowerBound } from '../../pipelines/fisbe/voxels.js';
import type { Store } from '../../store/index.js';

type Side = 'gt' | 'pred';
type Shape3 = [number, number, number];

interface StoredSample {
  gtPath: string;
  predPath: string;
  partly: boolean;
  shape: Shape3;
}

/** Instances' voxel lists of one side, as stored (concatenated, with lengths). */
interface InstanceLists {
  lists: Uint32Array[];
}

/** Mesh at most this many grid cells per instance: larger boxes are downsampled for the isosurface. */
const MAX_SURFACE_CELLS = 4_000_000;

export class FisbeView {
  private readonly listCache = new Map<string, InstanceLists>();

  constructor(private readonly store: Store) {}

  runs(): FisbeRunSummary[] {
    return this.store.runs
      .list()
      .filter((run) => run.pipeline === 'fisbe-eval' && run.status === 'succeeded')
      .map((run) => {
        const sample = this.value<StoredSample>(run.id, FISBE_RESULT.sample);
        const { metrics } = this.value<{ metrics: FisbeMetrics }>(run.id, FISBE_RESULT.metrics);
        return {
          runId: run.id,
          createdAt: run.createdAt,
          gtPath: sample.gtPath,
          predPath: sample.predPath,
          partly: sample.partly,
          score: metrics.avgF1CovScore,
        };
      });
  }

  sample(runId: number): FisbeSample {
    const sample = this.value<StoredSample>(runId, FISBE_RESULT.sample);
    return {
      runId,
      gtPath: sample.gtPath,
      predPath: sample.predPath,
      partly: sample.partly,
      shape: sample.shape,
      metrics: this.value<{ metrics: FisbeMetrics }>(runId, FISBE_RESULT.metrics).metrics,
      instances: this.value<FisbeInstance[]>(runId, FISBE_RESULT.instances),
    };
  }

  geometry(runId: number, side: Side, id: number): FisbeInstanceGeometry {
    const shape = this.value<StoredSample>(runId, FISBE_RESULT.sample).shape;
    const voxels = this.instanceList(runId, FISBE_RESULT.voxels(side), id);
    const skeleton = this.instanceList(runId, FISBE_RESULT.skeletons(side), id);
    const mesh = this.surface(voxels, shape);
    return {
      side,
      id,
      // Typed arrays as they are: structured clone over IPC, binary frames on the bridge.
      skeleton: toXyz(skeleton, shape),
      surfacePositions: mesh.positions,
      surfaceIndices: mesh.indices,
    };
  }

  slice(runId: number, axis: FisbeAxis, index: number): FisbeSlice {
    const [depth, height, width] = this.value<StoredSample>(runId, FISBE_RESULT.sample).shape;
    const extent = { z: depth, y: height, x: width }[axis];
    if (index >= extent) throw new ValidationError('index', `slice ${index} is outside the volume (${axis} has ${extent} slices)`);
    // Axial slices are rows y × columns x; coronal z × x; sagittal z × y (radiological habit: z down).
    const [rows, cols] = axis === 'z' ? [height, width] : axis === 'y' ? [depth, width] : [depth, height];
    const draw = (side: Side) => {
      const image = new Uint16Array(rows * cols);
      this.lists(runId, FISBE_RESULT.voxels(side)).lists.forEach((voxels, i) => {
        const id = i + 1;
        const visit = (voxel: number) => {
          const x = voxel % width;
          const rest = (voxel - x) / width;
          const y = rest % height;
          const z = (rest - y) / height;
          const [on, r, c] = axis === 'z' ? [z, y, x] : axis === 'y' ? [y, z, x] : [x, z, y];
          if (on === index && image[r * cols + c]! < id) image[r * cols + c] = id;
        };
        if (axis === 'z') {
          // Sorted linear indices: an axial slice is one contiguous range.
          const first = lowerBound(voxels, index * height * width);
          const end = lowerBound(voxels, (index + 1) * height * width);
          for (let k = first; k < end; k++) visit(voxels[k]!);
        } else voxels.forEach(visit);
      });
      return image;
    };
    return { axis, index, width: cols, height: rows, gt: draw('gt'), pred: draw('pred') };
  }

  private surface(voxels: Uint32Array, shape: Shape3) {
    if (voxels.length === 0) return { positions: new Float32Array(0), indices: new Uint32Array(0) };
    const [, height, width] = shape;
    const { min, max } = boundingBox(voxels, shape);
    const coords = (voxel: number): Shape3 => {
      const x = voxel % width;
      const rest = (voxel - x) / width;
      return [(rest - (rest % height)) / height, rest % height, x];
    };
    const cells = (max[0] - min[0] + 1) * (max[1] - min[1] + 1) * (max[2] - min[2] + 1);
    const step = Math.max(1, Math.ceil(Math.cbrt(cells / MAX_SURFACE_CELLS)));
    const grid: Shape3 = [0, 1, 2].map((a) => Math.floor((max[a]! - min[a]!) / step) + 1) as Shape3;
    const mask = new Uint8Array(grid[0] * grid[1] * grid[2]);
    for (const voxel of voxels) {
      const c = coords(voxel);
      const g = [0, 1, 2].map((a) => Math.floor((c[a]! - min[a]!) / step));
      mask[(g[0]! * grid[1] + g[1]!) * grid[2] + g[2]!] = 1;
    }
    // A downsampled cell stands for `step` voxels: centre it on them.
    const origin: Shape3 = [0, 1, 2].map((a) => min[a]! + (step - 1) / 2) as Shape3;
    return surfaceNets(mask, grid, origin, step);
  }

  private value<T>(runId: number, key: string): T {
    const result = this.store.results.list(runId).find((item) => item.key === key);
    if (!result) throw new NotFoundError(`FISBe result "${key}" of run ${runId}`, 'is it a finished fisbe-eval run?');
    return result.value as T;
  }

  private lists(runId: number, key: string): InstanceLists {
    const cacheKey = `${runId}:${key}`;
    const cached = this.listCache.get(cacheKey);
    if (cached) return cached;
    const { lengths } = this.value<{ lengths: number[] }>(runId, key);
    const stored = this.store.results.array(runId, key);
    if (!stored || !(stored.data instanceof Uint32Array)) throw new NotFoundError(`voxel lists "${key}" of run ${runId}`);
    const lists: Uint32Array[] = [];
    let at = 0;
    for (const length of lengths) {
      lists.push(stored.data.subarray(at, at + length));
      at += length;
    }
    if (this.listCache.size > 8) this.listCache.clear();
    const entry = { lists };
    this.listCache.set(cacheKey, entry);
    return entry;
  }

  private instanceList(runId: number, key: string, id: number): Uint32Array {
    const list = this.lists(runId, key).lists[id - 1];
    if (!list) throw new NotFoundError(`instance ${id} of run ${runId}`);
    return list;
  }
}

/** Linear indices to x, y, z triples (three.js order). */
function toXyz(voxels: Uint32Array, shape: Shape3): Uint16Array {
  const [, height, width] = shape;
  const out = new Uint16Array(voxels.length * 3);
  voxels.forEach((voxel, i) => {
    const x = voxel % width;
    const rest = (voxel - x) / width;
    out[3 * i] = x;
    out[3 * i + 1] = rest % height;
    out[3 * i + 2] = (rest - (rest % height)) / height;
  });
  return out;
}
