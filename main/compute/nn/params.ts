/**
 * A named collection of tf.Variables: the one place a model's weights live. Layers register their
 * parameters here under dotted names ("blocks.0.attn.qkv.weight"); optimisers, EMA, clipping and
 * checkpoints all work on a collection, so a custom training loop never has to gather variables.
 *
 * tfjs registers every variable under an engine-wide unique name, so two collections (a model and
 * its EMA target) can hold the same parameter names: each collection prefixes the tfjs name with
 * its own id, and maps gradients (keyed by tfjs name) back to parameter names.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { ValidationError } from '../../errors.js';

/**
 * What a parameter is, for the no-decay rule: AdamW decays only `weight` (matmul and conv
 * kernels); biases, norm gains/shifts and embeddings are left undecayed (GPT-2/minGPT practice).
 */
export type ParamRole = 'weight' | 'bias' | 'norm' | 'embedding' | 'other';

export interface ParamEntry {
  readonly name: string;
  readonly variable: tfTypes.Variable;
  readonly shape: readonly number[];
  readonly role: ParamRole;
  readonly trainable: boolean;
}

export interface AddParamOptions {
  role?: ParamRole;
  /** Default true; a frozen parameter gets no gradient and no optimiser update. */
  trainable?: boolean;
}

/** Parameter values copied out to JS, by name: what snapshot() returns and restore() takes. */
export type ParamSnapshot = Map<string, { shape: number[]; values: Float32Array }>;

let nextCollectionId = 0;

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class Params {
  private readonly entries = new Map<string, ParamEntry>();
  private readonly byTfName = new Map<string, string>();
  private readonly id = nextCollectionId++;
  private disposed = false;

  constructor(readonly tf: Tfjs) {}

  /** Registers a float32 parameter with the given initial values (copied to the backend). */
  add(name: string, shape: readonly number[], values: Float32Array, options: AddParamOptions = {}): tfTypes.Variable {
    this.assertLive();
    if (this.entries.has(name)) throw new ValidationError(name, 'parameter already defined in this collection');
    if (values.length !== sizeOf(shape)) {
      throw new ValidationError(name, `${values.length} initial values for shape [${shape.join(', ')}]`);
    }
    const trainable = options.trainable ?? true;
    const tfName = `cajal${this.id}/${name}`;
    const initial = this.tf.tensor(values, [...shape], 'float32');
    const variable = this.tf.variable(initial, trainable, tfName);
    initial.dispose();
    this.entries.set(name, { name, variable, shape: [...shape], role: options.role ?? 'other', trainable });
    this.byTfName.set(tfName, name);
    return variable;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The variable called `name`; a ValidationError names it when absent. */
  get(name: string): tfTypes.Variable {
    const entry = this.entries.get(name);
    if (!entry) throw new ValidationError(name, 'no such parameter');
    return entry.variable;
  }

  entry(name: string): ParamEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new ValidationError(name, 'no such parameter');
    return entry;
  }

  /** Every parameter, in registration order (stable: checkpoints and optimisers rely on it). */
  list(): ParamEntry[] {
    return [...this.entries.values()];
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  trainable(): ParamEntry[] {
    return this.list().filter((e) => e.trainable);
  }

  /** The trainable variables, as tf.variableGrads wants them. */
  trainableVariables(): tfTypes.Variable[] {
    return this.trainable().map((e) => e.variable);
  }

  /** The parameter name of a tfjs variable name (tf.variableGrads keys its gradients by the latter). */
  nameOf(tfName: string): string | undefined {
    return this.byTfName.get(tfName);
  }

  /** Gradients from tf.variableGrads, re-keyed by parameter name. */
  byName(grads: tfTypes.NamedTensorMap): Map<string, tfTypes.Tensor> {
    const out = new Map<string, tfTypes.Tensor>();
    for (const [tfName, grad] of Object.entries(grads)) {
      const name = this.byTfName.get(tfName);
      if (name !== undefined) out.set(name, grad);
    }
    return out;
  }

  /** Number of scalar parameters (all, or only trainable ones). */
  count(trainableOnly = false): number {
    let n = 0;
    for (const e of this.entries.values()) if (!trainableOnly || e.trainable) n += sizeOf(e.shape);
    return n;
  }

  /** Copies every value to JS (one synchronous download per parameter: cpu, wasm; not WebGPU under Node). */
  snapshot(): ParamSnapshot {
    const out: ParamSnapshot = new Map();
    for (const e of this.entries.values()) {
      out.set(e.name, { shape: [...e.shape], values: Float32Array.from(e.variable.dataSync() as Float32Array) });
    }
    return out;
  }

  /** snapshot() with asynchronous reads (every backend). */
  async snapshotAsync(): Promise<ParamSnapshot> {
    const out: ParamSnapshot = new Map();
    for (const e of this.entries.values()) {
      out.set(e.name, { shape: [...e.shape], values: Float32Array.from((await e.variable.data()) as Float32Array) });
    }
    return out;
  }

  /**
   * Writes a snapshot back. Every parameter of this collection must be present with its shape,
   * checked before anything is written, so a bad snapshot leaves the weights untouched.
   * Extra names in the snapshot are refused unless `allowExtra`.
   */
  restore(snapshot: ParamSnapshot, options: { allowExtra?: boolean } = {}): void {
    this.assertLive();
    for (const e of this.entries.values()) {
      const saved = snapshot.get(e.name);
      if (!saved) throw new ValidationError(e.name, 'missing from the snapshot');
      if (saved.shape.length !== e.shape.length || saved.shape.some((d, i) => d !== e.shape[i])) {
        throw new ValidationError(e.name, `shape [${saved.shape.join(', ')}] does not match [${e.shape.join(', ')}]`);
      }
      if (saved.values.length !== sizeOf(e.shape)) {
        throw new ValidationError(e.name, `${saved.values.length} values for shape [${e.shape.join(', ')}]`);
      }
    }
    if (!options.allowExtra) {
      for (const name of snapshot.keys()) {
        if (!this.entries.has(name)) throw new ValidationError(name, 'not a parameter of this model');
      }
    }
    for (const e of this.entries.values()) {
      const saved = snapshot.get(e.name)!;
      const value = this.tf.tensor(saved.values, [...e.shape], 'float32');
      e.variable.assign(value);
      value.dispose();
    }
  }

  /**
   * A new collection with the same names, shapes and roles and a copy of the current values
   * (an EMA target, a frozen teacher). `trainable` overrides every entry's flag when given.
   */
  clone(options: { trainable?: boolean } = {}): Params {
    const copy = new Params(this.tf);
    for (const e of this.entries.values()) {
      const trainable = options.trainable ?? e.trainable;
      const tfName = `cajal${copy.id}/${e.name}`;
      const variable = this.tf.variable(e.variable, trainable, tfName);
      copy.entries.set(e.name, { name: e.name, variable, shape: [...e.shape], role: e.role, trainable });
      copy.byTfName.set(tfName, e.name);
    }
    return copy;
  }

  /** Frees every variable; the collection cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
    this.byTfName.clear();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private assertLive(): void {
    if (this.disposed) throw new ValidationError('params', 'the parameter collection was disposed');
  }
}

/** Joins name parts with dots, skipping empty ones ("" + "weight" = "weight"). */
export function joinName(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join('.');
}

/**
 * Options every layer's forward pass takes. `params` runs the layer with another collection of the
 * same names (an EMA target, a restored copy); `training` turns dropout on, with masks drawn from
 * `dropoutSeed` (vary it per step: deriveSeed(seed, step)).
 */
export interface ForwardOptions {
  params?: Params;
  training?: boolean;
  dropoutSeed?: number;
}
