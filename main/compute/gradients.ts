/**
 * Backpropagation that frees memory as it goes: a replacement for the tfjs engine's `gradients`
 * (what tf.grads, tf.variableGrads and optimizers call), numerically the same.
 *
 * Why this exists: tfjs 4.22's backward pass keeps, until the whole pass ends, every tensor the
 * forward pass saved for it and the gradient of every intermediate tensor, although each is dead
 * once the tape node that reads it has run. The peak of a training step is therefore the forward
 * activations plus about as much again in gradients, where PyTorch frees both as it goes. For
 * Brain-JEPA `small` that was ≈ 420 MB per sample, so batch 16 (7 GB) could not fit wasm's 4 GB
 * heap and batch 8 per data-parallel worker only just (issue #19).
 *
 * What differs from tfjs's own: the same filtering of the tape (nodes on a path from the xs to y)
 * and the same reverse walk accumulating gradients, and, when no outer gradient is being recorded
 * (first-order gradients; higher-order ones keep tfjs's behaviour), after each node has run:
 * - the gradients of its outputs are disposed (nothing reads them again: each tensor is the
 *   output of one node, and that node has consumed them), unless it is one of the xs' or the
 *   caller's dy, or the same tensor object is still held as another tensor's gradient;
 * - the tensors it saved for its backward are disposed (tfjs disposes them all at the end).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from './types.js';

interface TapeNode {
  id: number;
  kernelName: string;
  outputs: tfTypes.Tensor[];
  inputs: Record<string, tfTypes.Tensor>;
  gradient?: (dys: (tfTypes.Tensor | null)[]) => Record<string, () => tfTypes.Tensor>;
  saved?: tfTypes.Tensor[];
}

/** The members of tfjs-core's Engine (4.22) this module uses. */
interface EngineLike {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T>(nameOrFn: string | (() => T), fn?: () => T): T;
  gradients: GradientsFn;
}

type GradientsFn = (
  f: () => tfTypes.Tensor,
  xs: tfTypes.Tensor[],
  dy?: tfTypes.Tensor,
  allowNoGradients?: boolean,
) => { value: tfTypes.Tensor; grads: tfTypes.Tensor[] };

/** The nodes on a path from some x to y, with inputs that do not depend on any x left out. */
function nodesFromXsToY(tape: TapeNode[], xs: tfTypes.Tensor[], y: tfTypes.Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      for (const out of node.outputs) fromX.add(out.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((out) => toY.has(out.id))) {
      nodeToY.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  const kept: TapeNode[] = [];
  for (const node of tape) {
    if (!nodeFromX.has(node.id) || !nodeToY.has(node.id)) continue;
    const inputs: Record<string, tfTypes.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    kept.push({ ...node, inputs, outputs: node.outputs });
  }
  return kept;
}

const MARK = Symbol.for('cajal.frugalGradients');

/**
 * Installs the frugal backward pass on this thread's tfjs engine (idempotent). Call once after
 * tfjs is loaded; activateBackend does.
 */
export function installFrugalGradients(tf: Tfjs): void {
  const engine = tf.engine() as unknown as EngineLike & { [MARK]?: GradientsFn };
  if (engine[MARK]) return;
  const original = engine.gradients;
  engine[MARK] = original;

  engine.gradients = function frugalGradients(this: EngineLike, f, xs, dy, allowNoGradients = false) {
    if (xs.length === 0) throw new Error('gradients() received an empty list of xs.');
    if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
    const y = this.scopedRun(
      () => this.startTape(),
      () => this.endTape(),
      () => this.tidy('forward', f),
    );
    if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
    const tape = this.state.activeTape!;
    const nodes = nodesFromXsToY(tape, xs, y);
    if (!allowNoGradients && nodes.length === 0 && xs.length > 0) {
      throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
    }
    // Higher-order gradients (an outer tape records this backward) need everything kept.
    const frugal = this.state.gradientDepth === 0;
    return this.tidy('backward', () => {
      const grad = new Map<number, tfTypes.Tensor>(); // tensor id → its accumulated gradient
      const held = new Map<tfTypes.Tensor, number>(); // gradient tensor → how many ids hold it
      const hold = (id: number, g: tfTypes.Tensor): void => {
        grad.set(id, g);
        held.set(g, (held.get(g) ?? 0) + 1);
      };
      const release = (id: number): tfTypes.Tensor | undefined => {
        const g = grad.get(id);
        if (!g) return undefined;
        grad.delete(id);
        const n = held.get(g)! - 1;
        if (n === 0) held.delete(g);
        else held.set(g, n);
        return g;
      };
      const keepIds = new Set(xs.map((x) => x.id));
      hold(y.id, dy ?? tf.ones(y.shape));

      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i]!;
        if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
        const dys = node.outputs.map((out) => grad.get(out.id) ?? null);
        const inputGradients = node.gradient(dys);
        for (const [name, x] of Object.entries(node.inputs)) {
          const fn = inputGradients[name];
          if (!fn) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients)}.`);
          const dx = this.tidy(fn);
          if (dx.dtype !== 'float32') {
            throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
          }
          if (!tf.util.arraysEqual(dx.shape, x.shape)) {
            throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
          }
          const current = release(x.id);
          if (!current) hold(x.id, dx);
          else {
            hold(x.id, tf.add(current, dx));
            if (!held.has(current)) current.dispose();
          }
        }
        if (!frugal) continue;
        for (const out of node.outputs) {
          if (keepIds.has(out.id)) continue;
          const g = release(out.id);
          if (g && g !== dy && !held.has(g)) g.dispose();
        }
        for (const t of node.saved ?? []) if (!held.has(t)) t.dispose();
      }

      const grads = xs.map((x) => grad.get(x.id)!);
      if (frugal) {
        for (const node of tape) for (const t of node.saved ?? []) t.dispose();
        this.state.activeTape = null;
      }
      return { value: y, grads };
    });
  } as GradientsFn;
}

/** Puts tfjs's own backward pass back (for tests comparing both). */
export function uninstallFrugalGradients(tf: Tfjs): void {
  const engine = tf.engine() as unknown as EngineLike & { [MARK]?: GradientsFn };
  const original = engine[MARK];
  if (!original) return;
  engine.gradients = original;
  delete engine[MARK];
}
