/**
 * LayerNorm over the last axis (Ba et al. 2016; eps 1e-5 as PyTorch): y = (x − μ)·rsqrt(σ² + eps)·γ + β,
 * with μ, σ² from tf.moments. The gradient is written out (one tape entry instead of ~20):
 *   dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ;  dγ = Σ dy·x̂;  dβ = Σ dy.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tfjs } from '../activate.js';
import { columnSum, withCustomGrad } from './grad.js';
import { ones, zeros } from './init.js';
import { joinName, type ForwardOptions, type Params } from './params.js';

export const LAYER_NORM_EPS = 1e-5;

/** Functional LayerNorm of x over its last axis with gain γ and shift β (both [dim]). */
export function layerNorm<T extends tfTypes.Tensor>(tf: Tfjs, x: T, gamma: tfTypes.Tensor, beta: tfTypes.Tensor, eps = LAYER_NORM_EPS): T {
  const last = x.rank - 1;
  const leading = Array.from({ length: last }, (_, i) => i);
  const dim = x.shape[last]!;
  return withCustomGrad(tf, [x, gamma, beta], ([input, g, b], save) => {
    const { xhat, rstd } = tf.tidy(() => {
      const { mean, variance } = tf.moments(input!, last, true);
      const r = tf.rsqrt(tf.add(variance, eps));
      return { xhat: tf.mul(tf.sub(input!, mean), r), rstd: r };
    });
    save([xhat, rstd, g!]);
    return {
      value: tf.add(tf.mul(xhat, g!), b!),
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => {
        const [xh, r, gain] = saved as [tfTypes.Tensor, tfTypes.Tensor, tfTypes.Tensor];
        const dyg = tf.mul(dy, gain);
        const meanDyg = tf.mean(dyg, last, true);
        const meanDygXh = tf.mean(tf.mul(dyg, xh), last, true);
        const dx = tf.mul(tf.sub(tf.sub(dyg, meanDyg), tf.mul(xh, meanDygXh)), r);
        const rows = (t: tfTypes.Tensor): tfTypes.Tensor2D => (t.rank === 2 ? (t as tfTypes.Tensor2D) : tf.reshape(t, [-1, dim]));
        const dGamma = leading.length > 0 ? columnSum(tf, rows(tf.mul(dy, xh))) : tf.mul(dy, xh);
        const dBeta = leading.length > 0 ? columnSum(tf, rows(dy)) : dy;
        return [dx, dGamma, dBeta];
      },
    };
  }) as T;
}

export interface LayerNormConfig {
  dim: number;
  eps?: number;
}

export interface LayerNorm {
  readonly name: string;
  apply<T extends tfTypes.Tensor>(x: T, options?: ForwardOptions): T;
}

/** Registers `<name>.weight` (γ, ones) and `<name>.bias` (β, zeros), both [dim]. */
export function createLayerNorm(params: Params, name: string, config: LayerNormConfig): LayerNorm {
  const gammaName = joinName(name, 'weight');
  const betaName = joinName(name, 'bias');
  params.add(gammaName, [config.dim], ones(config.dim), { role: 'norm' });
  params.add(betaName, [config.dim], zeros(config.dim), { role: 'norm' });
  const eps = config.eps ?? LAYER_NORM_EPS;
  return {
    name,
    apply(x, options = {}) {
      const p = options.params ?? params;
      return layerNorm(params.tf, x, p.get(gammaName), p.get(betaName), eps);
    },
  };
}
