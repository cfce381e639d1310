/**
 * The planted cell types of the simulated retina and their linear–nonlinear (LN) model cells:
 * a centre–surround difference-of-Gaussians receptive field per colour channel (green / UV), a
 * biphasic (transient) or monophasic (sustained) temporal filter, ON or OFF polarity, a sigmoid
 * rate nonlinearity, additive generator noise and Poisson spiking. Types differ along the axes
 * Baden et al. (2016) group mouse RGCs by: polarity × kinetics × receptive-field size × colour.
 */
import type { Random } from '../../../../shared/random.js';

/** One planted type; every cell of the type shares these (up to per-cell jitter). */
export interface PlantedType {
  readonly name: string;
  /** +1 ON, −1 OFF. */
  readonly polarity: 1 | -1;
  readonly kinetics: 'transient' | 'sustained';
  readonly size: 'small' | 'large';
  /** The channel the cell's opsin sees most: 0 green, 1 UV. */
  readonly colour: 0 | 1;
  /** Centre Gaussian σ (pixels); the surround is 2.5× wider. */
  readonly centreSigmaPx: number;
  /** Surround volume relative to the centre's (0 = no surround). */
  readonly surroundWeight: number;
}

/** One model cell: its type, where its receptive field sits, and its own gain and offset. */
export interface SimulatedCell {
  readonly typeIndex: number;
  /** Receptive-field centre, pixels (column, row), 0 = the first pixel's centre. */
  readonly x: number;
  readonly y: number;
  /** Multiplies the generator signal before the nonlinearity (per-cell jitter around the type's). */
  readonly gain: number;
  /** Offset of the sigmoid (sets the spontaneous rate). */
  readonly bias: number;
}

/** Frames of the temporal filter (0.5 s at 30 Hz). */
export const TEMPORAL_TAPS = 15;
/** Peak rate, spikes per frame (45 Hz at 30 Hz). */
export const MAX_RATE_PER_FRAME = 1.5;
/** The other channel's share of a cell's receptive field (opsin co-expression). */
const OFF_CHANNEL_SHARE = 0.15;
const SURROUND_SCALE = 2.5;

const POLARITIES = [-1, 1] as const;
const KINETICS = ['sustained', 'transient'] as const;

/**
 * The type catalogue in planting order: the first 8 cross polarity × kinetics × colour with the
 * size that goes with the kinetics (sustained small, transient large, like mouse midget-like and
 * alpha-like cells); types 9–16 add the other size, so 16 spans the full cross.
 */
export function typeCatalogue(): PlantedType[] {
  const types: PlantedType[] = [];
  for (const swapSize of [false, true]) {
    for (const colour of [0, 1] as const) {
      for (const polarity of POLARITIES) {
        for (const kinetics of KINETICS) {
          const large = (kinetics === 'transient') !== swapSize;
          types.push({
            name: `${polarity > 0 ? 'ON' : 'OFF'} ${kinetics} ${large ? 'large' : 'small'} ${colour === 0 ? 'green' : 'UV'}`,
            polarity,
            kinetics,
            size: large ? 'large' : 'small',
            colour,
            centreSigmaPx: large ? 1.3 : 0.7,
            surroundWeight: kinetics === 'transient' ? 0.5 : 0.3,
          });
        }
      }
    }
  }
  return types;
}

/** Standard normal draw (Box–Muller) from a uniform generator. */
export function gaussian(random: Random): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Poisson draw (Knuth's product method; rates here are ≤ 1.5 per frame). */
export function poisson(random: Random, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussian(random)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** A gamma-shaped lobe k³·e^(−k/τ) sampled at frames 0…taps−1 (zero at lag 0: one frame of latency). */
function lobe(tau: number, taps: number): Float64Array {
  const out = new Float64Array(taps);
  let sum = 0;
  for (let k = 0; k < taps; k++) {
    out[k] = (k / tau) ** 3 * Math.exp(-k / tau);
    sum += out[k]!;
  }
  for (let k = 0; k < taps; k++) out[k]! /= sum;
  return out;
}

/**
 * The temporal filter (index = lag in frames), unit L2 norm. Transient: a fast lobe minus a
 * slower one of almost equal area (band-pass: responds to changes); sustained: a slower lobe
 * with a small negative tail (low-pass: follows the light level).
 */
export function temporalFilter(kinetics: PlantedType['kinetics'], taps = TEMPORAL_TAPS): Float64Array {
  const [fast, slow, share] = kinetics === 'transient' ? [0.8, 1.5, 0.9] : [1.1, 2.6, 0.25];
  const a = lobe(fast, taps);
  const b = lobe(slow, taps);
  const f = new Float64Array(taps);
  let norm = 0;
  for (let k = 0; k < taps; k++) {
    f[k] = a[k]! - share * b[k]!;
    norm += f[k]! ** 2;
  }
  norm = Math.sqrt(norm);
  for (let k = 0; k < taps; k++) f[k]! /= norm;
  return f;
}

/**
 * The spatial receptive field over the canvas, [height, width, channels] (the stimulus layout),
 * unit L2 norm, polarity included: centre Gaussian minus a wider surround (each of unit volume
 * before weighting), on the cell's own channel and at OFF_CHANNEL_SHARE on the other.
 */
export function spatialFilter(type: PlantedType, cell: Pick<SimulatedCell, 'x' | 'y'>, height: number, width: number, channels: number): Float64Array {
  const sc = type.centreSigmaPx;
  const ss = sc * SURROUND_SCALE;
  const plane = new Float64Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const d2 = (c - cell.x) ** 2 + (r - cell.y) ** 2;
      plane[r * width + c] = Math.exp(-d2 / (2 * sc * sc)) / (2 * Math.PI * sc * sc) - type.surroundWeight * Math.exp(-d2 / (2 * ss * ss)) / (2 * Math.PI * ss * ss);
    }
  }
  const out = new Float64Array(height * width * channels);
  let norm = 0;
  for (let p = 0; p < height * width; p++) {
    for (let ch = 0; ch < channels; ch++) {
      const v = type.polarity * plane[p]! * (ch === type.colour ? 1 : OFF_CHANNEL_SHARE);
      out[p * channels + ch] = v;
      norm += v * v;
    }
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** Per-type nonlinearity: transient cells are quieter at rest and steeper. */
export function typeGainBias(type: PlantedType): { gain: number; bias: number } {
  return type.kinetics === 'transient' ? { gain: 1.4, bias: -2.8 } : { gain: 1.0, bias: -2.0 };
}

/** Draws `count` cells of a type at random positions inside the canvas' central region. */
export function drawCellsOfType(typeIndex: number, type: PlantedType, count: number, height: number, width: number, random: Random): SimulatedCell[] {
  const base = typeGainBias(type);
  const cells: SimulatedCell[] = [];
  // Centres within the middle half of the canvas (a quarter of the size from each edge), so the
  // centre and most of the surround are on it.
  const margin = (n: number): [number, number] => [(n - 1) / 2 - n / 4, (n - 1) / 2 + n / 4];
  const [x0, x1] = margin(width);
  const [y0, y1] = margin(height);
  for (let i = 0; i < count; i++) {
    cells.push({
      typeIndex,
      x: x0 + (x1 - x0) * random(),
      y: y0 + (y1 - y0) * random(),
      gain: base.gain * Math.exp(0.15 * gaussian(random)),
      bias: base.bias + 0.2 * gaussian(random),
    });
  }
  return cells;
}

/** Sigmoid rate (spikes per frame) of a generator value. */
export function rateOf(cell: SimulatedCell, generator: number): number {
  return MAX_RATE_PER_FRAME / (1 + Math.exp(-(cell.gain * generator + cell.bias)));
}
