/** Real CP factors from ../shared/data/ntf (Dyballa et al., PNAS 2024) as Kruskal tensors. */
import { npyToFloat64, readNpy } from '../../main/io/npy.js';
import { normalizeKruskal, type KruskalTensor } from '../../main/pipelines/ntf/cp/ktensor.js';
import { dataFile } from './data.js';

/**
 * `name` is 'retina_R16' or 'V1_R17'. Rows of each mode can be thinned (every `step[n]`-th row) to
 * keep test tensors small; the factors stay real, only sampled.
 */
export async function realKruskal(name: 'retina_R16' | 'V1_R17', step: [number, number, number] = [1, 1, 1]): Promise<KruskalTensor> {
  const dir = dataFile('ntf', 'dyballa_encoding_manifolds_cp');
  const modes = await Promise.all([0, 1, 2].map((m) => readNpy(`${dir}/${name}_factor_mode${m}.npy`)));
  const weights = npyToFloat64(await readNpy(`${dir}/${name}_lambdas.npy`));
  const rank = weights.length;
  const factors = modes.map((mode, n) => {
    const full = npyToFloat64(mode);
    const rows = Math.ceil(mode.shape[0]! / step[n]!);
    const out = new Float64Array(rows * rank);
    for (let i = 0; i < rows; i++) out.set(full.subarray(i * step[n]! * rank, (i * step[n]! + 1) * rank), i * rank);
    return out;
  });
  return normalizeKruskal({ shape: factors.map((f) => f.length / rank), rank, factors, weights: Float64Array.from(weights) });
}
