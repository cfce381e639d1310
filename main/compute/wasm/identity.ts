/**
 * `Identity` on the tfjs `wasm` backend without a copy: the output shares the input's memory (a
 * second reference to the same data, as the `cpu` backend and wasm's own `Reshape` do).
 *
 * Why this exists: tfjs-backend-wasm 4.22's Identity allocates and copies, and tfjs calls it for
 * every tensor a custom-gradient op saves for its backward pass (the engine's `save` clones each
 * one). Every dense layer saves its input and its weight, so a training step copied each layer's
 * activations and weights once more: 600 copies a step for Brain-JEPA `small` (its weights alone
 * 130 MB), 240 for Neuroformer `tiny`. Sharing is safe because no wasm kernel writes into its
 * inputs (Cajal's kernels included: their outputs are always new allocations).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { Tfjs } from '../types.js';

interface IdentityBackend {
  incRef(dataId: object): void;
}

const MARK = Symbol.for('cajal.sharedWasmIdentity');
type Marked = KernelConfig & { [MARK]?: KernelConfig };

/** Replaces the wasm `Identity` kernel (idempotent; strings go to the stock kernel). */
export function registerSharedWasmIdentity(tf: Tfjs): void {
  const stock = tf.getKernel('Identity', 'wasm') as Marked | undefined;
  if (!stock) throw new Error('registerSharedWasmIdentity: the wasm Identity kernel is not registered (import @tensorflow/tfjs-backend-wasm first)');
  if (stock[MARK]) return;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo | undefined;
    if (!x) throw new Error("Identity: missing input 'x'");
    if (x.dtype === 'string') return stock.kernelFunc(args);
    (args.backend as IdentityBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  const config: Marked = { kernelName: 'Identity', backendName: 'wasm', kernelFunc, [MARK]: stock };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(config);
}
