/**
 * The model's weights under the reference's state-dict keys in torch layouts (what
 * test/fixtures/reference/neuroformer_torch.py loads, and what a lab's Neuroformer checkpoint
 * holds for the shared parts): main/compute/nn stores Linear kernels [in, out], torch [out, in].
 * Only 2-D parameters with role 'weight' are Linear kernels here (embeddings are [vocab, C] in both).
 */
import type { Params } from '../../compute/nn/params.js';
import { ValidationError } from '../../errors.js';

export type NfStateDict = Map<string, { shape: number[]; data: Float32Array }>;

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

/** Every parameter, torch layout. */
export function neuroformerStateDict(params: Params): NfStateDict {
  const out: NfStateDict = new Map();
  for (const e of params.list()) {
    const values = Float32Array.from(e.variable.dataSync() as Float32Array);
    if (e.role === 'weight' && e.shape.length === 2) out.set(e.name, { shape: [e.shape[1]!, e.shape[0]!], data: transpose(values, e.shape[0]!, e.shape[1]!) });
    else out.set(e.name, { shape: [...e.shape], data: values });
  }
  return out;
}

/** A torch-layout tensor of parameter `name` (e.g. a gradient from the reference) in our layout. */
export function fromTorchLayout(params: Params, name: string, data: Float32Array): Float32Array {
  const e = params.entry(name);
  if (data.length !== e.variable.size) throw new ValidationError(name, `${data.length} values for shape [${e.shape.join(', ')}]`);
  return e.role === 'weight' && e.shape.length === 2 ? transpose(data, e.shape[1]!, e.shape[0]!) : data;
}

/**
 * Loads a torch-layout state dict: every parameter must be present with its shape (all or nothing).
 * Keys we have no parameter for are refused unless `allowExtra` (a released checkpoint also holds
 * the causal-mask buffers feature_encoder.mask / neural_visual_transformer.mask, the never-applied
 * neural_visual_transformer.ln_f, the video encoder and the CLIP projection); the ignored keys are returned.
 * A released checkpoint's keys are loaded with any "module." prefix removed first.
 */
export function loadNeuroformerStateDict(params: Params, input: NfStateDict, source: string, options: { allowExtra?: boolean } = {}): string[] {
  const dict: NfStateDict = new Map([...input].map(([k, v]) => [k.startsWith('module.') ? k.slice(7) : k, v]));
  const ignored = [...dict.keys()].filter((k) => !params.has(k));
  if (ignored.length > 0 && !options.allowExtra) throw new ValidationError(`${source}: ${ignored[0]}`, `not a parameter of this model (${ignored.length} such keys)`);
  const staged = new Map<string, Float32Array>();
  for (const e of params.list()) {
    const t = dict.get(e.name);
    if (!t) throw new ValidationError(`${source}: ${e.name}`, 'missing');
    const expected = e.role === 'weight' && e.shape.length === 2 ? [e.shape[1]!, e.shape[0]!] : e.shape;
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new ValidationError(`${source}: ${e.name}`, `shape [${t.shape.join(', ')}], expected [${expected.join(', ')}]`);
    }
    staged.set(e.name, fromTorchLayout(params, e.name, t.data));
  }
  for (const e of params.list()) {
    const value = params.tf.tensor(staged.get(e.name)!, [...e.shape], 'float32');
    e.variable.assign(value);
    value.dispose();
  }
  return ignored;
}
