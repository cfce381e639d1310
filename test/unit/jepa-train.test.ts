/**
 * The Brain-JEPA training loop (train.ts) on small synthetic cohorts, and the collapse monitor
 * (rank.ts) against numpy: the reference's param groups (no decay on biases and 1-D parameters), a
 * run determined by its seed, optimizer steps every `accumulation` iterations with the schedules'
 * LR/WD/momentum, cancellation, a resumed run that continues exactly where the stored one stopped,
 * and the model bundle round trip.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom } from '../../shared/random.js';
import { activateBackend, type Tfjs } from '../../main/compute/activate.js';
import { AdamW, Params } from '../../main/compute/nn/index.js';
import { decodeJepaBundle, loadJepaModel } from '../../main/pipelines/jepa/bundle.js';
import { jepaModelConfig } from '../../main/pipelines/jepa/config.js';
import { fitRobustScaler } from '../../main/pipelines/jepa/data.js';
import { REFERENCE_MASK_CONFIG } from '../../main/pipelines/jepa/masks.js';
import { createJepaModel } from '../../main/pipelines/jepa/model.js';
import { JepaPretrainParams, optimConfig, splitSubjects } from '../../main/pipelines/jepa/pretrain-pipeline.js';
import { effectiveRank } from '../../main/pipelines/jepa/rank.js';
import { REFERENCE_OPTIM_CONFIG } from '../../main/pipelines/jepa/schedules.js';
import { applyDecoupledDecay, iterationsPerEpoch, JepaCancelled, referenceDecays, trainJepa, type JepaCheckpoint, type JepaSubject, type JepaTrainData, type JepaTrainOptions } from '../../main/pipelines/jepa/train.js';

const CENTRED_REFERENCE = 5.703572924111813;

describe('effective rank (RankMe)', () => {
  it('equals numpy on a rank-2 and a full-rank matrix, either orientation', () => {
    const make = (rows: number, cols: number, f: (i: number, j: number) => number) => Float64Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols));
    // numpy: s = svd(X); p = s/s.sum() + 1e-7; exp(-(p*log p).sum())
    const low = make(9, 5, (i, j) => Math.sin(1 + i * 7 + j * 3));
    expect(effectiveRank(low, 9, 5).effectiveRank).toBeCloseTo(1.5788793515704957, 6);
    const lowT = make(5, 9, (i, j) => Math.sin(1 + j * 7 + i * 3));
    expect(effectiveRank(lowT, 5, 9).effectiveRank).toBeCloseTo(1.5788793515704944, 6);
    const full = make(10, 6, (i, j) => Math.sin(1 + 0.3 * i * i + 0.7 * j * j + i * j));
    const r = effectiveRank(full, 10, 6);
    expect(r.effectiveRank).toBeCloseTo(5.872806843633767, 8);
    expect(r.singularValues[0]).toBeCloseTo(2.8433968234923173, 10);
  });

  it('centred: the rank of the spread between samples (numpy on the centred matrix)', () => {
    const full = Float64Array.from({ length: 60 }, (_, k) => Math.sin(1 + 0.3 * Math.floor(k / 6) ** 2 + 0.7 * (k % 6) ** 2 + Math.floor(k / 6) * (k % 6)));
    // numpy: Xc = X - X.mean(0); same formula.
    expect(effectiveRank(full, 10, 6, { centre: true }).effectiveRank).toBeCloseTo(CENTRED_REFERENCE, 8);
    // A shared offset changes the plain rank, not the centred one.
    const shifted = full.map((v) => v + 10);
    expect(effectiveRank(shifted, 10, 6, { centre: true }).effectiveRank).toBeCloseTo(CENTRED_REFERENCE, 8);
    expect(effectiveRank(shifted, 10, 6).effectiveRank).toBeLessThan(2);
  });

  it('is the dimension for orthogonal equal-norm features and 1 for features on a line', () => {
    const eye = new Float32Array(16);
    for (let i = 0; i < 4; i++) eye[i * 4 + i] = 3;
    expect(effectiveRank(eye, 4, 4).effectiveRank).toBeCloseTo(4, 5);
    const line = Float32Array.from({ length: 20 }, (_, k) => (Math.floor(k / 4) + 1) * [1, 2, 3, 4][k % 4]!);
    expect(effectiveRank(line, 5, 4).effectiveRank).toBeCloseTo(1, 5);
  });
});

describe('jepa-pretrain params', () => {
  it("defaults to the reference's optimisation, warm-up scaled to the epochs, and holds out a seeded 10 %", () => {
    const params = JepaPretrainParams.parse({ epochs: 30 });
    expect(params).toMatchObject({ config: 'tiny', batchSize: 16, accumulationSteps: 1, seed: 0, validationFraction: 0.1 });
    expect(optimConfig(params)).toEqual({ ...REFERENCE_OPTIM_CONFIG, epochs: 30, warmupEpochs: 4, accumulationSteps: 1 });
    expect(optimConfig(JepaPretrainParams.parse({ epochs: 30, warmupEpochs: 0 })).warmupEpochs).toBe(0);
    const ids = Array.from({ length: 25 }, (_, i) => `sub${i}`);
    const a = splitSubjects(ids, 0.1, 3);
    expect(a.validation).toHaveLength(2);
    expect(a.train).toHaveLength(23);
    expect(new Set([...a.train, ...a.validation]).size).toBe(25);
    expect(splitSubjects(ids, 0.1, 3)).toEqual(a);
    expect(splitSubjects(ids, 0.1, 4).validation).not.toEqual(a.validation);
    expect(splitSubjects(ids, 0, 3)).toEqual({ train: ids, validation: [] });
    expect(() => JepaPretrainParams.parse({ config: 'huge' })).toThrow();
  });
});

describe('Brain-JEPA training loop', () => {
  let tf: Tfjs;
  const R = 12;
  const T = 96;
  const config = jepaModelConfig('tiny', R, 80);

  /** Subjects with a few shared latent sources and noise: something to learn. */
  function cohort(count: number, seed: number): JepaSubject[] {
    const random = seededRandom(seed);
    const mixing = Float64Array.from({ length: R * 3 }, () => random() - 0.5);
    return Array.from({ length: count }, (_, s) => {
      const data = new Float64Array(R * T);
      const phase = random() * 6;
      for (let t = 0; t < T; t++) {
        const sources = [Math.sin(0.3 * t + phase), Math.cos(0.11 * t + phase), Math.sin(0.05 * t)];
        for (let r = 0; r < R; r++) data[r * T + t] = 100 + r + sources.reduce((a, x, k) => a + x * mixing[r * 3 + k]!, 0) * 5 + (random() - 0.5);
      }
      return { id: `s${s}`, data, regions: R, timepoints: T };
    });
  }

  function trainData(subjects: JepaSubject[]): JepaTrainData {
    const train = subjects.slice(0, subjects.length - 4);
    const validation = subjects.slice(-4);
    const gradients = Float64Array.from({ length: R * config.gradientDims }, (_, k) => Math.sin(k * 0.37));
    return {
      train,
      validation,
      rank: subjects.slice(0, 12),
      scaler: fitRobustScaler(train),
      gradients,
      gradientsInfo: { source: 'computed', components: config.gradientDims, from: train.map((s) => s.id) },
    };
  }

  const options = (overrides: Partial<JepaTrainOptions['optim']> = {}): JepaTrainOptions => ({
    model: config,
    masks: REFERENCE_MASK_CONFIG,
    optim: { ...REFERENCE_OPTIM_CONFIG, warmupEpochs: 1, accumulationSteps: 1, ...overrides },
    batchSize: 4,
    seed: 7,
    samplingRate: 1,
    normalisation: 'robust',
  });

  beforeAll(async () => {
    tf = await activateBackend('wasm');
  });

  it('decays what init_opt decays: not biases, not 1-D parameters; rounds iterations to whole accumulation groups', () => {
    const model = createJepaModel(tf, config, Float64Array.from({ length: R * config.gradientDims }, (_, k) => Math.sin(k)), 1);
    try {
      const decayed = [...model.encoder.trainable(), ...model.predictor.trainable()].filter(referenceDecays).map((e) => e.name);
      const kept = [...model.encoder.trainable(), ...model.predictor.trainable()].filter((e) => !referenceDecays(e));
      expect(decayed.length).toBeGreaterThan(0);
      expect(decayed.some((name) => /mask_token/.test(name))).toBe(true);
      for (const e of kept) expect(e.name.includes('bias') || e.shape.length === 1, e.name).toBe(true);
      for (const name of decayed) expect(name.includes('bias'), name).toBe(false);
    } finally {
      model.dispose();
    }
    expect(iterationsPerEpoch(21, 4, 1)).toBe(5);
    expect(iterationsPerEpoch(21, 4, 2)).toBe(4);
    expect(iterationsPerEpoch(7, 4, 2)).toBe(0);
  });

  it("a scheduled decay before an undecayed AdamW step equals nn's AdamW with that decay (torch's AdamW)", () => {
    const make = () => {
      const p = new Params(tf);
      p.add('w', [3, 2], Float32Array.of(0.5, -1, 2, 0.25, -0.75, 1.5), { role: 'weight' });
      return p;
    };
    const grads = () => new Map([['w', tf.tensor2d([0.1, -0.2, 0.3, 0.05, -0.4, 0.6], [3, 2])]]);
    const a = make();
    const b = make();
    const withDecay = new AdamW(a, { lr: 1e-3, weightDecay: 0.3 });
    const scheduled = new AdamW(b, { lr: 1e-3, weightDecay: 0 });
    for (let step = 0; step < 3; step++) {
      const ga = grads();
      const gb = grads();
      withDecay.update(ga, { lr: 0.01 });
      applyDecoupledDecay(tf, b.trainable(), 0.01, 0.3);
      scheduled.update(gb, { lr: 0.01 });
      [...ga.values(), ...gb.values()].forEach((g) => g.dispose());
    }
    expect(Array.from(b.get('w').dataSync())).toEqual(Array.from(a.get('w').dataSync()));
    withDecay.dispose();
    scheduled.dispose();
    a.dispose();
    b.dispose();
  });

  it('is a function of its seed, steps every `accumulation` iterations with the schedules, and records the curves', async () => {
    const data = trainData(cohort(20, 1));
    const run = async () => {
      const result = await trainJepa(tf, data, options({ accumulationSteps: 2 }), 2);
      try {
        return { iterations: result.iterations, state: result.state, lengths: result.schedules.lengths, at: (k: number) => result.schedules.at(k) };
      } finally {
        result.dispose();
      }
    };
    const a = await run();
    const b = await run();
    // 16 training subjects / batch 4 = 4 iterations per epoch, 2 per optimizer step.
    expect(a.lengths).toMatchObject({ iterationsPerEpoch: 4, totalSteps: 4 });
    expect(a.iterations.map((r) => r.loss)).toEqual(b.iterations.map((r) => r.loss));
    expect(a.iterations.map((r) => r.step?.optimizerStep ?? null)).toEqual([null, 0, null, 1, null, 2, null, 3]);
    for (const r of a.iterations) if (r.step) expect(r.step).toMatchObject(a.at(r.step.optimizerStep));
    expect(a.state).toMatchObject({ epoch: 2, iteration: 8, optimizerStep: 4 });
    expect(a.state.history).toHaveLength(2);
    for (const h of a.state.history) {
      expect(Number.isFinite(h.trainLoss)).toBe(true);
      expect(Number.isFinite(h.validationLoss!)).toBe(true);
      expect(h.effectiveRank!).toBeGreaterThan(1);
      expect(h.effectiveRank!).toBeLessThanOrEqual(12);
    }
  }, 120_000);

  it('stops at the next iteration when cancelled, and a run resumed from a checkpoint continues exactly', async () => {
    const data = trainData(cohort(16, 2));
    let seen = 0;
    const signal = { aborted: false };
    await expect(trainJepa(tf, data, options(), 3, { signal, onIteration: () => (signal.aborted = ++seen === 2) })).rejects.toBeInstanceOf(JepaCancelled);
    expect(seen).toBe(2);

    const checkpoints: JepaCheckpoint[] = [];
    const full = await trainJepa(tf, data, options(), 3, { onEpochEnd: async (_record, checkpoint) => void checkpoints.push(await checkpoint()) });
    const fullLosses = full.iterations.map((r) => r.loss);
    const fullFinal = decodeJepaBundle(await full.bundle(), 'full');
    full.dispose();
    expect(checkpoints.map((c) => c.state.epoch)).toEqual([1, 2, 3]);
    const stored = decodeJepaBundle(checkpoints[0]!.bytes, 'epoch 1');
    expect(stored.step).toBe(3);
    expect(stored.config.training).toMatchObject({ epoch: 1, iteration: 3, optimizerStep: 3, seed: 7 });

    const resumed = await trainJepa(tf, data, options(), 3, { resume: { bytes: checkpoints[0]!.bytes, source: 'epoch 1' } });
    try {
      expect(resumed.iterations[0]!.iteration).toBe(3);
      expect(resumed.state.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
      const resumedLosses = resumed.iterations.map((r) => r.loss);
      resumedLosses.forEach((loss, i) => expect(loss).toBeCloseTo(fullLosses[i + 3]!, 4));
      const final = decodeJepaBundle(await resumed.bundle(), 'resumed');
      expect(final.step).toBe(fullFinal.step);
      for (const [name, t] of fullFinal.target) {
        const other = final.target.get(name)!;
        let worst = 0;
        t.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - other.values[i]!))));
        expect(worst, name).toBeLessThan(1e-4);
      }
    } finally {
      resumed.dispose();
    }
  }, 180_000);

  it('refuses to resume with other subjects or another seed', async () => {
    const data = trainData(cohort(12, 3));
    let bytes: Uint8Array | null = null;
    const first = await trainJepa(tf, data, options(), 1, { onEpochEnd: async (_r, checkpoint) => void (bytes = (await checkpoint()).bytes) });
    first.dispose();
    await expect(trainJepa(tf, { ...data, train: data.train.slice(1) }, options(), 2, { resume: { bytes: bytes!, source: 'cp' } })).rejects.toThrow(/other subjects/);
    await expect(trainJepa(tf, data, { ...options(), seed: 8 }, 2, { resume: { bytes: bytes!, source: 'cp' } })).rejects.toThrow(/seed 7/);
  }, 120_000);

  it('a stored model loads back with the same weights and pooled features', async () => {
    const data = trainData(cohort(12, 4));
    const result = await trainJepa(tf, data, options(), 1);
    try {
      const bytes = await result.bundle();
      const { model, bundle } = loadJepaModel(tf, bytes, 'bundle');
      try {
        expect(bundle.config.model).toEqual(config);
        expect(Array.from(bundle.gradients)).toEqual(Array.from(Float32Array.from(data.gradients)));
        expect(bundle.config.scaler.median).toEqual(Array.from(data.scaler.median));
        const x = tf.randomNormal([2, R, 80], 0, 1, 'float32', deriveSeed(1, 2)) as Parameters<typeof model.pooled>[0];
        const a = result.model.pooled(x).dataSync();
        const b = model.pooled(x).dataSync();
        a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
        x.dispose();
      } finally {
        model.dispose();
      }
    } finally {
      result.dispose();
    }
  }, 120_000);
});
