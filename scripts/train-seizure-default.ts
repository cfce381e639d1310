/**
 * `npm run train:seizure-default [-- --data <folder>] [--out <folder>] [--max-epochs N]`: trains the
 * default neural seizure detector shipped in assets/seizure/default/ (model.json,
 * group1-shard1of1.bin, card.json), reproducibly, on the real seizure collections in
 * ../shared/data/eeg (PROVENANCE.md there):
 * - Bonn (Andrzejak et al. 2001), all five sets: E ictal (intracranial), A/B healthy scalp and C/D
 *   interictal intracranial as background; one 23.6 s segment at 173.61 Hz per file;
 * - New Delhi (Swami et al. 2016): ictal, against interictal and preictal as background; 5.12 s at
 *   200 Hz per file;
 * - the Ombao recording (8 scalp channels, 100 Hz, 326 s; its EDF+ conversion's "seizure"
 *   annotation marks the second half), read per channel and pooled over its channels in training
 *   (multiple-instance), cut into 30 s blocks that play the part of segments.
 * Per-channel input (window features, ../main/pipelines/seizure/channel), lags [0].
 *
 * Held out for the card: per collection and group (Bonn set letter, New Delhi class, Ombao
 * seizure/background block), the items sorted by id, shuffled by a generator seeded with the seed,
 * the first round(20 %) — whole segments and blocks, never windows. The rest trains the model
 * (trainOnFeatures: its own seeded fifth of the training segments per collection and class for
 * early stopping). Metrics on the held-out part: per window (probability ≥ 0.5) and per segment
 * (mean window probability ≥ 0.5), accuracy, sensitivity, specificity, per collection and in all.
 *
 * Reproducible: fixed seed, items in sorted order, the wasm backend with one thread (bit-identical
 * weights run to run on a machine; `check` in the card says so when --check trained twice).
 * Synthetic augmentation is not used: nothing here measured it to help.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { activateBackend, type Tfjs } from '../main/compute/index.js';
import { readBonn, readDelhi, type LabelledSegment } from '../main/io/segments/index.js';
import {
  CARD_FILE,
  exportModel,
  labelledScores,
  MODEL_JSON,
  modelToFiles,
  recordingSeizures,
  recordingWindowFeatures,
  scoreWindows,
  segmentFeatures,
  trainOnFeatures,
  WEIGHTS_FILE,
  type ClassificationScore,
  type NeuralSeizureModel,
  type NeuralTrainOptionsInput,
  type RecordingFeatures,
  type TrainResult,
} from '../main/pipelines/seizure/neural/index.js';
import { FIRST_READY_SECOND } from '../main/pipelines/seizure/neural/windows.js';
import { WINDOW_FEATURE_COUNT } from '../main/pipelines/seizure/channel/feature-set.js';
import { seededRandom } from '../shared/random.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DATA = resolve(REPO, '..', 'shared', 'data');
export const DEFAULT_OUT = join(REPO, 'assets', 'seizure', 'default');

/** The collections, as paths under the data folder. */
export const SOURCES = {
  bonn: 'eeg/bonn_andrzejak2001',
  delhi: 'eeg/delhi_swami2016',
  ombao: 'eeg/derived/ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf',
} as const;
export type CollectionName = keyof typeof SOURCES;

export const SETTINGS: {
  seed: number;
  heldOutFraction: number;
  ombaoBlockS: number;
  threshold: number;
  train: NeuralTrainOptionsInput & { lagsS: number[]; hiddenUnits: [number, number] };
} = {
  seed: 22,
  heldOutFraction: 0.2,
  /** Length of the Ombao recording's blocks (its "segments"). */
  ombaoBlockS: 30,
  threshold: 0.5,
  train: {
    input: 'per-channel',
    lagsS: [0],
    hiddenUnits: [16, 8],
    maxEpochs: 60,
    patience: 8,
    batchSize: 64,
    stepsPerEpoch: 60,
    learningRate: 0.005,
    validationFraction: 0.2,
    backend: 'wasm',
  },
};

/** One training or held-out item: a segment, or a block of a recording. */
export interface Example {
  collection: CollectionName;
  /** Unique in its collection ("E/S001", "ictal/ictal12", "000-030"). */
  id: string;
  /** The stratum of the held-out draw: Bonn's set, New Delhi's class, Ombao's block class. */
  group: string;
  /** Source file relative to the data folder. */
  source: string;
  features: RecordingFeatures;
}

function segmentExample(collection: CollectionName, segment: LabelledSegment, dataRoot: string): Example {
  return { collection, id: segment.id, group: segment.group, source: relative(dataRoot, segment.file), features: { ...segmentFeatures(segment, collection), id: `${collection}/${segment.id}` } };
}

/**
 * A recording's per-channel features cut into blocks of `blockS` seconds, each re-based to start at
 * 0 (its first three windows, which reach into the block before, unlabelled): no held-out block
 * shares a sample with a training block. The group is "seizure" when a block holds seizure windows.
 */
export function recordingBlocks(features: RecordingFeatures, blockS: number): { from: number; to: number; group: string; features: RecordingFeatures }[] {
  const { channels, frames, firstS } = features.span;
  if (firstS !== 0) throw new Error(`${features.file}: expected frames from second 0`);
  const frameSize = channels * WINDOW_FEATURE_COUNT;
  const blocks = [];
  for (let from = 0; from < features.totalS; from += blockS) {
    const to = Math.min(features.totalS, from + blockS);
    const labels = features.labels.slice(from, to);
    labels.fill(-1, 0, Math.min(labels.length, FIRST_READY_SECOND));
    if (!labels.some((l) => l === 0 || l === 1)) continue;
    const seizures = features.seizures
      .map(([s, e]) => [Math.max(0, s - from), Math.min(to, e) - from] as [number, number])
      .filter(([s, e]) => e > s);
    blocks.push({
      from,
      to,
      group: labels.includes(1) ? 'seizure' : 'background',
      features: { ...features, totalS: to - from, durationS: to - from, labels, seizures, span: { firstS: 0, channels, frames: frames.slice(from * frameSize, to * frameSize) } },
    });
  }
  return blocks;
}

/** Every example of the three collections, in a fixed order (collection, then id). */
export function collectExamples(dataRoot = DEFAULT_DATA, blockS: number = SETTINGS.ombaoBlockS): Example[] {
  const path = (name: CollectionName) => {
    const p = join(dataRoot, SOURCES[name]);
    if (!existsSync(p)) throw new Error(`${p}: not found (the training data are the collections of ../shared/data/eeg; --data names another folder)`);
    return p;
  };
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const bonn = readBonn(path('bonn')).segments.map((s) => segmentExample('bonn', s, dataRoot)).sort(byId);
  const delhi = readDelhi(path('delhi')).segments.map((s) => segmentExample('delhi', s, dataRoot)).sort(byId);
  const ombaoFile = path('ombao');
  const { seizures } = recordingSeizures(ombaoFile);
  if (!seizures.length) throw new Error(`${ombaoFile}: no seizure annotation`);
  const ombao = recordingBlocks(recordingWindowFeatures({ file: ombaoFile, seizures, collection: 'ombao' }), blockS).map((b): Example => {
    const id = `${String(b.from).padStart(3, '0')}-${String(b.to).padStart(3, '0')}`;
    return { collection: 'ombao', id, group: b.group, source: relative(dataRoot, ombaoFile), features: { ...b.features, id: `ombao/${id}` } };
  });
  return [...bonn, ...delhi, ...ombao];
}

/** The held-out rule (see the module comment): per collection and group, seeded, whole items. */
export function splitHeldOut(examples: readonly Example[], fraction: number, seed: number): { train: Example[]; heldOut: Example[] } {
  const random = seededRandom(seed);
  const held = new Set<Example>();
  const strata = new Map<string, Example[]>();
  for (const e of examples) {
    const key = `${e.collection}\u0000${e.group}`;
    strata.set(key, [...(strata.get(key) ?? []), e]);
  }
  for (const key of [...strata.keys()].sort()) {
    const items = [...strata.get(key)!].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    items.slice(0, Math.round(items.length * fraction)).forEach((e) => held.add(e));
  }
  return { train: examples.filter((e) => !held.has(e)), heldOut: examples.filter((e) => held.has(e)) };
}

export interface CollectionMetrics {
  windows: ClassificationScore;
  segments: ClassificationScore;
}

/** Held-out metrics per collection and in all, from the model's probabilities. */
export function heldOutMetrics(neural: NeuralSeizureModel, heldOut: readonly Example[], threshold: number = SETTINGS.threshold): Record<string, CollectionMetrics> {
  const scored = scoreWindows(neural, heldOut.map((e) => e.features));
  const metrics: Record<string, CollectionMetrics> = {};
  for (const name of Object.keys(SOURCES) as CollectionName[]) {
    const mine = scored.filter((_, i) => heldOut[i]!.collection === name);
    if (mine.length) metrics[name] = labelledScores(mine, threshold);
  }
  metrics.all = labelledScores(scored, threshold);
  return metrics;
}

function countBy(examples: readonly Example[]): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const e of examples) {
    const c = (counts[e.collection] ??= {});
    c[e.group] = (c[e.group] ?? 0) + 1;
  }
  return counts;
}

function windowCounts(examples: readonly Example[]): Record<string, { seizure: number; background: number }> {
  const counts: Record<string, { seizure: number; background: number }> = {};
  for (const e of examples) {
    const c = (counts[e.collection] ??= { seizure: 0, background: 0 });
    for (const l of e.features.labels) {
      if (l === 1) c.seizure++;
      else if (l === 0) c.background++;
    }
  }
  return counts;
}

export interface DefaultTrainingRun {
  result: TrainResult;
  train: Example[];
  heldOut: Example[];
  metrics: Record<string, CollectionMetrics>;
  /** The card's content that follows from the data and settings alone (no date, no commit). */
  card: Record<string, unknown>;
}

/**
 * Trains the default model: `overrides` change the training options (tests use a tiny budget).
 * The same data, settings and backend give the same weights.
 */
export async function trainDefaultModel(tf: Tfjs, examples: readonly Example[], overrides: Partial<NeuralTrainOptionsInput> = {}, log: (line: string) => void = () => {}): Promise<DefaultTrainingRun> {
  const { train, heldOut } = splitHeldOut(examples, SETTINGS.heldOutFraction, SETTINGS.seed);
  const options: NeuralTrainOptionsInput = { ...SETTINGS.train, lagsS: [...SETTINGS.train.lagsS], hiddenUnits: [...SETTINGS.train.hiddenUnits], seed: SETTINGS.seed, ...overrides };
  const result = await trainOnFeatures(
    train.map((e) => e.features),
    options,
    (p) => {
      if (p.phase === 'training') log(`epoch ${p.epoch}/${p.maxEpochs}: loss ${p.trainLoss.toFixed(4)}, validation ${p.validationLoss.toFixed(4)}${p.best ? ' (best)' : ''}`);
    },
    { tf },
  );
  const metrics = heldOutMetrics(result.neural, heldOut);
  const sources = Object.fromEntries(Object.entries(SOURCES).map(([name, path]) => [name, path]));
  const training = {
    collections: {
      bonn: { source: sources.bonn, citation: 'Andrzejak et al. 2001, Phys Rev E 64:061907 (segments 001-060 of sets A-E)', seizure: 'E', background: 'A, B (healthy scalp), C, D (interictal intracranial)' },
      delhi: { source: sources.delhi, citation: 'Swami et al. 2016, Expert Syst Appl 56:116-130', seizure: 'ictal', background: 'interictal, preictal' },
      ombao: {
        source: sources.ombao,
        citation: 'Wang, Ombao & Chung 2018, Ann Appl Stat 12:1506-1534 (EDF+ conversion: seizure = second half, per the source README)',
        seizure: 'blocks holding windows wholly after the annotated onset',
        background: 'blocks before it',
        blockS: SETTINGS.ombaoBlockS,
        channels: examples.find((e) => e.collection === 'ombao')?.features.electrodes ?? [],
      },
    },
    items: { train: countBy(train), heldOut: countBy(heldOut) },
    windows: { train: windowCounts(train), heldOut: windowCounts(heldOut) },
    heldOut: {
      rule: `per collection and group, items sorted by id, shuffled with seededRandom(${SETTINGS.seed}) (shared/random.ts), the first round(${SETTINGS.heldOutFraction} × n) held out; Ombao in ${SETTINGS.ombaoBlockS} s blocks whose first ${FIRST_READY_SECOND} windows (reaching into the block before) are unlabelled`,
      ids: Object.fromEntries((Object.keys(SOURCES) as CollectionName[]).map((name) => [name, heldOut.filter((e) => e.collection === name).map((e) => e.id)])),
    },
    augmentation: 'none',
  };
  result.neural.config.training = { ...training.items, bestEpoch: result.bestEpoch, epochs: result.history.length, backend: result.backend, card: CARD_FILE };
  const card = {
    model: 'Cajal default neural seizure detector (per-channel)',
    input: result.neural.config.input,
    featureVersion: result.neural.config.featureVersion,
    trainingData: training,
    parameters: { ...options, seed: options.seed, threshold: SETTINGS.threshold, heldOutFraction: SETTINGS.heldOutFraction },
    training: { bestEpoch: result.bestEpoch, epochs: result.history.length, windows: result.windows, backend: result.backend, history: result.history },
    metrics: {
      threshold: SETTINGS.threshold,
      definition: 'held-out items only; window: probability of the 4 s window ≥ threshold; segment: mean window probability ≥ threshold (Ombao blocks that hold both classes count in the window metrics only); seizure is positive',
      ...metrics,
    },
  };
  return { result, train, heldOut, metrics, card };
}

/** The commit the code ran from, and whether the tree differed from it (the output folder aside). */
export function codeVersion(outDir: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const exclude = relative(REPO, outDir);
    const status = execFileSync('git', ['status', '--porcelain', '--', '.', ...(exclude && !exclude.startsWith('..') ? [`:(exclude)${exclude}`] : [])], { cwd: REPO, encoding: 'utf8' });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** sha256 of the model files, so a card names exactly the weights it describes. */
export async function modelDigest(neural: NeuralSeizureModel): Promise<{ modelJson: string; weights: string }> {
  const { modelJson, weights } = await modelToFiles(neural);
  const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
  return { modelJson: sha(JSON.stringify(modelJson, null, 1)), weights: sha(weights) };
}

const fmt = (x: number) => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(1));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, out: { type: 'string' }, 'max-epochs': { type: 'string' }, check: { type: 'boolean' } },
  });
  const started = performance.now();
  const dataRoot = resolve(values.data ?? DEFAULT_DATA);
  const outDir = resolve(values.out ?? DEFAULT_OUT);
  const overrides: Partial<NeuralTrainOptionsInput> = values['max-epochs'] ? { maxEpochs: Number(values['max-epochs']) } : {};
  // One wasm thread: XNNPACK's threaded reductions could order sums differently run to run.
  const tf = await activateBackend('wasm', { wasmThreads: 1 });
  const version = codeVersion(outDir);
  const examples = collectExamples(dataRoot);
  console.log(`${examples.length} items: ${JSON.stringify(countBy(examples))}`);
  const run = await trainDefaultModel(tf, examples, overrides, (line) => console.log(line));
  const digest = await modelDigest(run.result.neural);
  let check: Record<string, unknown> | null = null;
  if (values.check) {
    const again = await trainDefaultModel(tf, examples, overrides);
    const second = await modelDigest(again.result.neural);
    check = { trainedTwice: true, identicalWeights: second.weights === digest.weights && second.modelJson === digest.modelJson };
    again.result.neural.model.dispose();
    console.log(`second run: ${check.identicalWeights ? 'identical' : 'DIFFERENT'} weights`);
  }
  mkdirSync(outDir, { recursive: true });
  await exportModel(run.result.neural, outDir, { overwrite: true });
  const wallS = (performance.now() - started) / 1000;
  const card = {
    ...run.card,
    files: { [MODEL_JSON]: digest.modelJson, [WEIGHTS_FILE]: digest.weights },
    codeVersion: { ...version, command: 'npm run train:seizure-default' },
    date: new Date().toISOString(),
    wallS: Math.round(wallS),
    ...(check ? { reproducibility: check } : {}),
  };
  writeFileSync(join(outDir, CARD_FILE), `${JSON.stringify(card, null, 1)}\n`);
  const sizes = [MODEL_JSON, WEIGHTS_FILE, CARD_FILE].map((f) => `${f} ${readFileSync(join(outDir, f)).length} B`);
  console.log(`wrote ${outDir}: ${sizes.join(', ')} in ${wallS.toFixed(0)} s`);
  console.log('held-out          windows acc/sens/spec        segments acc/sens/spec');
  for (const [name, m] of Object.entries(run.metrics)) {
    console.log(
      `${name.padEnd(8)} ${String(m.windows.n).padStart(5)}  ${fmt(m.windows.accuracy)} / ${fmt(m.windows.sensitivity)} / ${fmt(m.windows.specificity)}   ${String(m.segments.n).padStart(4)}  ${fmt(m.segments.accuracy)} / ${fmt(m.segments.sensitivity)} / ${fmt(m.segments.specificity)}`,
    );
  }
  run.result.neural.model.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`train-seizure-default: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
