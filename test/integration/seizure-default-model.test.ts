/**
 * The default seizure model shipped in assets/seizure/default: it loads, takes per-channel input
 * on the window features, its card names exactly these files; with ../shared/data present, the
 * card's held-out items follow its rule and re-scoring them with the shipped weights gives the
 * card's metrics exactly (assets, card, features and scoring may not drift apart); and the training
 * script's core function is deterministic on a tiny budget.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateBackend, type Tfjs } from '../../main/compute/index.js';
import { WINDOW_FEATURE_NAMES, WINDOW_FEATURE_VERSION } from '../../main/pipelines/seizure/channel/feature-set.js';
import {
  DEFAULT_MODEL_NAME,
  defaultModelDir,
  defaultSeizureModelRecord,
  hasDefaultSeizureModel,
  loadDefaultSeizureModel,
  MODEL_FORMAT,
  MODEL_JSON,
  modelFromBundle,
  readDefaultModelCard,
  WEIGHTS_FILE,
  type NeuralSeizureModel,
} from '../../main/pipelines/seizure/neural/index.js';
import { collectExamples, heldOutMetrics, SETTINGS, splitHeldOut, trainDefaultModel, type Example } from '../../scripts/train-seizure-default.js';
import { hasSharedData, REPO_ROOT, SHARED_DATA, SKIP_NO_DATA } from '../helpers/data.js';

if (!hasSharedData()) console.warn(`seizure-default-model: the checks on real data are skipped: ${SKIP_NO_DATA}`);

const weightsOf = (model: tfTypes.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the default seizure model in assets/seizure/default', () => {
  let tf: Tfjs;
  let shipped: NeuralSeizureModel;
  const card = readDefaultModelCard();

  beforeAll(async () => {
    // The backend the card's metrics were computed on (one wasm thread, as the script runs).
    tf = await activateBackend('wasm', { wasmThreads: 1 });
    shipped = await loadDefaultSeizureModel(tf);
  });

  it('is found from the package root, loads, and takes per-channel input on the window features', () => {
    expect(defaultModelDir()).toBe(join(REPO_ROOT, 'assets', 'seizure', 'default'));
    expect(hasDefaultSeizureModel()).toBe(true);
    expect(shipped.config.input).toBe('per-channel');
    expect(shipped.config.featureVersion).toBe(WINDOW_FEATURE_VERSION);
    expect(shipped.config.featureNames).toEqual(WINDOW_FEATURE_NAMES);
    expect(shipped.model.inputs[0]!.shape).toEqual([null, null, WINDOW_FEATURE_NAMES.length * shipped.config.lagsS.length]);
    expect(card).toMatchObject({ input: 'per-channel', featureVersion: WINDOW_FEATURE_VERSION });
  });

  it('has a card naming exactly these files, its data, parameters, code version and date', () => {
    const dir = defaultModelDir();
    expect(card.files).toEqual({ [MODEL_JSON]: sha256(readFileSync(join(dir, MODEL_JSON))), [WEIGHTS_FILE]: sha256(readFileSync(join(dir, WEIGHTS_FILE))) });
    expect(card.codeVersion).toMatchObject({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), dirty: false });
    expect(Date.parse(card.date as string)).not.toBeNaN();
    expect(card.parameters).toMatchObject({ seed: SETTINGS.seed, input: 'per-channel', backend: 'wasm' });
    expect(Object.keys((card.trainingData as { collections: object }).collections)).toEqual(['bonn', 'delhi', 'ombao']);
    expect(card.reproducibility).toEqual({ trainedTwice: true, identicalWeights: true });
  });

  it('becomes a models-table entry whose bundle loads to the same model', async () => {
    const record = defaultSeizureModelRecord();
    expect(record).toMatchObject({ name: DEFAULT_MODEL_NAME, format: MODEL_FORMAT, meta: { input: 'per-channel', featureVersion: WINDOW_FEATURE_VERSION, source: 'assets/seizure/default' } });
    expect(record.meta.card).toEqual(card);
    const loaded = await modelFromBundle(tf, record.weights);
    expect(loaded.config).toEqual(shipped.config);
    expect(weightsOf(loaded.model)).toEqual(weightsOf(shipped.model));
    loaded.model.dispose();
  });

  describe.skipIf(!hasSharedData())('on the real collections (../shared/data)', () => {
    let examples: Example[];
    beforeAll(() => {
      examples = collectExamples(SHARED_DATA);
    });

    it('holds out the items the card lists, by its rule', () => {
      const { heldOut } = splitHeldOut(examples, SETTINGS.heldOutFraction, SETTINGS.seed);
      const ids = (card.trainingData as { heldOut: { ids: Record<string, string[]> } }).heldOut.ids;
      for (const name of ['bonn', 'delhi', 'ombao']) expect(heldOut.filter((e) => e.collection === name).map((e) => e.id)).toEqual(ids[name]);
    });

    it("re-scoring the held-out items with the shipped weights reproduces the card's metrics exactly", () => {
      const { heldOut } = splitHeldOut(examples, SETTINGS.heldOutFraction, SETTINGS.seed);
      const metrics = JSON.parse(JSON.stringify(heldOutMetrics(shipped, heldOut))) as Record<string, unknown>;
      const { threshold, definition: _definition, ...recorded } = card.metrics as Record<string, unknown>;
      expect(threshold).toBe(SETTINGS.threshold);
      expect(metrics).toEqual(recorded);
      // And they are worth shipping: the held-out Bonn and New Delhi segments mostly right.
      const all = metrics.all as { segments: { accuracy: number; sensitivity: number; specificity: number } };
      expect(all.segments.accuracy).toBeGreaterThan(0.9);
    });

    it("the training script's core is deterministic (tiny budget, two runs, identical weights)", async () => {
      const tiny = { maxEpochs: 2, stepsPerEpoch: 3 };
      const a = await trainDefaultModel(tf, examples, tiny);
      const b = await trainDefaultModel(tf, examples, tiny);
      expect(weightsOf(b.result.neural.model)).toEqual(weightsOf(a.result.neural.model));
      expect(b.metrics).toEqual(a.metrics);
      expect(b.card).toEqual(a.card);
      expect(a.result.history).toHaveLength(2);
      // Not the shipped model: the budget shows.
      expect(weightsOf(a.result.neural.model)).not.toEqual(weightsOf(shipped.model));
      a.result.neural.model.dispose();
      b.result.neural.model.dispose();
    });
  });
});
