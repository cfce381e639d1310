/**
 * The NFDataloader tokeniser on a hand-worked example (the parity test checks it against our
 * Python transcription on random data), the dt vocabulary and Python rounding, and input checks.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../main/errors.js';
import {
  dtTokenValues,
  neuroformerPreset,
  neuroformerVocab,
  roundHalfEven,
  roundN,
  stimulusTokens,
  tokenizeWindows,
  windowIntervals,
  type NeuroformerConfig,
} from '../../main/pipelines/neuroformer/index.js';

const CONFIG: NeuroformerConfig = {
  ...neuroformerPreset('tiny', { neurons: 3 }),
  name: 'custom',
  windowS: 0.03,
  windowPrevS: 0.02,
  blockSize: 5,
  blockSizePrev: 6,
};

/** 3 units × 10 bins of 10 ms. */
function counts(): Uint16Array {
  const c = new Uint16Array(30);
  const set = (u: number, b: number, n: number) => (c[u * 10 + b] = n);
  set(0, 5, 1);
  set(0, 7, 2);
  set(1, 5, 1);
  set(1, 6, 1);
  set(2, 3, 1);
  set(2, 7, 1);
  return c;
}

describe('Neuroformer tokeniser', () => {
  it('rounds as Python (half to even) and builds the dt vocabulary', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2, 3]);
    expect(roundN(0.07 - 0.05, 0.01)).toBe(0.02);
    expect(dtTokenValues(CONFIG)).toEqual([0, 0.01, 0.02, 0.03]);
    const v = neuroformerVocab(CONFIG);
    expect([v.idSOS, v.idEOS, v.idPAD, v.idSize]).toEqual([3, 4, 5, 6]);
    expect([v.dtSOS, v.dtEOS, v.dtPAD, v.dtSize]).toEqual([4, 5, 6, 7]);
    // The released visnav windows (0.05 / 0.05 s at 0.01) give 6 dt values + 3 specials.
    expect(neuroformerVocab({ ...CONFIG, windowS: 0.05, windowPrevS: 0.05 }).dtSize).toBe(9);
    expect(windowIntervals(0.08, CONFIG)).toEqual({ previous: [0.03, 0.05], current: [0.05, 0.08] });
  });

  it('tokenises a window as NFDataloader, truncation quirk included', () => {
    const t = tokenizeWindows({ counts: counts(), units: 3, bins: 10 }, 0.01, [0.08], CONFIG);
    // Current [0.05, 0.08): spikes u0 u1 @0.05, u1 @0.06, u0 u0 u2 @0.07; the block keeps the last 3.
    expect(Array.from(t.id)).toEqual([3, 0, 0, 2, 4]);
    expect(Array.from(t.targetId)).toEqual([0, 0, 2, 4, 5]);
    // dt stream cut to its last 5 without the leading 0: position 0 holds the dropped spike's dt (1).
    expect(Array.from(t.dt)).toEqual([1, 2, 2, 2, 5]);
    expect(Array.from(t.targetDt)).toEqual([2, 2, 2, 5, 6]);
    expect(Array.from(t.pad)).toEqual([1]);
    // Previous [0.03, 0.05): u2 @0.03 → SOS 2 EOS then PAD.
    expect(Array.from(t.idPrev)).toEqual([3, 2, 4, 5, 5, 5]);
    expect(Array.from(t.dtPrev)).toEqual([0, 0, 5, 6, 6, 6]);
    expect(Array.from(t.padPrev)).toEqual([4]);
  });

  it('refuses windows past the data, wrong shapes and bad counts', () => {
    const m = { counts: counts(), units: 3, bins: 10 };
    expect(() => tokenizeWindows(m, 0.01, [0.11], CONFIG)).toThrow(ValidationError);
    expect(() => tokenizeWindows({ ...m, units: 2 }, 0.01, [0.08], CONFIG)).toThrow(/units/);
    expect(() => tokenizeWindows({ ...m, counts: Float32Array.from([...counts()].map((c, i) => (i === 5 ? NaN : c))) }, 0.01, [0.08], CONFIG)).toThrow(/not a non-negative/);
    expect(() => tokenizeWindows(m, 0.01, [0.08], { ...CONFIG, blockSize: 2 })).toThrow(/blockSize/);
  });
});

describe('Neuroformer stimulus tokens', () => {
  const config = { ...neuroformerPreset('tiny', { neurons: 3, stimulus: { features: 2, tokens: 3 } }), name: 'custom' as const };
  // 20 bins of 50 ms; feature 0 = bin index, feature 1 = −bin index.
  const values = Float32Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? i / 2 : -(i - 1) / 2));
  const matrix = { values, bins: 20, features: 2 };

  it('takes the bins ending one window after the window end, as the reference frames', () => {
    // T = 0.5 s: get_frame_idx(0.55, 0.05) = 11 → bins 8, 9, 10.
    expect(Array.from(stimulusTokens(matrix, 0.05, [0.5], config))).toEqual([8, -8, 9, -9, 10, -10]);
    // Without the lookahead: bins 7, 8, 9; near the edges the slice is clamped inside the data.
    expect(Array.from(stimulusTokens(matrix, 0.05, [0.5], config, { lookaheadS: 0 }))).toEqual([7, -7, 8, -8, 9, -9]);
    expect(Array.from(stimulusTokens(matrix, 0.05, [0.02, 5], config)).filter((_, i) => i % 2 === 0)).toEqual([0, 1, 2, 17, 18, 19]);
    expect(() => stimulusTokens({ ...matrix, features: 3 }, 0.05, [0.5], config)).toThrow(/features/);
  });
});
