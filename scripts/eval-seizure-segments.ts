/**
 * Segment classification on the real labelled collections with the literature's protocol:
 * stratified 10-fold cross-validation over segments (seeded; the same folds for every method) on
 * Bonn A vs E, AB vs CD vs E, ABCD vs E and New Delhi ictal vs interictal vs preictal, for the
 * line-length + band-power logistic-regression baseline, the classical detector and the neural
 * detector trained per fold. Prints Markdown tables (the README's) or, with --json, the results.
 *
 *   npm run eval:seizure-segments -- [--bonn DIR] [--delhi DIR] [--tasks id,…] [--methods id,…]
 *                                     [--folds 10] [--seed 1] [--epochs 8] [--backend B] [--json]
 *
 * Methods: logreg, classical, neural (trained per fold, --epochs per model), default (the shipped
 * model in assets/seizure/default, zero-shot on its held-out segments only; skipped with a note
 * when the model is not there).
 *
 * Folders default to ../shared/data/eeg/{bonn_andrzejak2001,delhi_swami2016} beside the repository.
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readSegmentFolder } from '../main/io/segments/index.js';
import type { SegmentCollection } from '../main/io/segments/types.js';
import { evaluateTask, type SegmentMethod, type TaskResult } from '../main/pipelines/seizure/baseline/evaluate.js';
import { classicalMethod } from '../main/pipelines/seizure/baseline/classical-method.js';
import { logisticMethod } from '../main/pipelines/seizure/baseline/logistic-method.js';
import { neuralMethod } from '../main/pipelines/seizure/baseline/neural-method.js';
import { cardHeldOut, evaluateZeroShot } from '../main/pipelines/seizure/baseline/zero-shot.js';
import type { NeuralSeizureModel } from '../main/pipelines/seizure/neural/model.js';
import { tfFor } from '../main/pipelines/seizure/neural/train.js';
import { BackendName } from '../shared/api/index.js';
import { markdownTable } from '../main/pipelines/seizure/baseline/report.js';
import { SEGMENT_TASKS } from '../main/pipelines/seizure/baseline/tasks.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EEG = resolve(REPO, '..', 'shared', 'data', 'eeg');
const METHODS = ['logreg', 'classical', 'neural', 'default'] as const;
const DEFAULT_METHODS = ['logreg', 'classical', 'neural', 'default'];

function fail(message: string): never {
  process.stderr.write(`eval-seizure-segments: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bonn: { type: 'string', default: join(EEG, 'bonn_andrzejak2001') },
      delhi: { type: 'string', default: join(EEG, 'delhi_swami2016') },
      tasks: { type: 'string', default: SEGMENT_TASKS.map((t) => t.id).join(',') },
      methods: { type: 'string', default: DEFAULT_METHODS.join(',') },
      folds: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      epochs: { type: 'string', default: '8' },
      backend: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const folds = Number(values.folds);
  const seed = Number(values.seed);
  if (!Number.isInteger(folds) || folds < 2) fail(`--folds must be an integer ≥ 2, got ${values.folds}`);
  if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got ${values.seed}`);
  const epochs = Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) fail(`--epochs must be a positive integer, got ${values.epochs}`);
  const backend = values.backend === undefined ? undefined : BackendName.safeParse(values.backend).data ?? fail(`unknown --backend ${values.backend}`);
  const tasks = values.tasks.split(',').map((id) => SEGMENT_TASKS.find((t) => t.id === id) ?? fail(`unknown task '${id}' (known: ${SEGMENT_TASKS.map((t) => t.id).join(', ')})`));
  const methodIds = values.methods.split(',');
  for (const id of methodIds) if (!(METHODS as readonly string[]).includes(id)) fail(`unknown method '${id}' (known: ${METHODS.join(', ')})`);

  const folders: Record<string, string> = { bonn: resolve(values.bonn), delhi: resolve(values.delhi) };
  const collections = new Map<string, SegmentCollection>();
  const started = performance.now();
  for (const task of tasks) {
    if (collections.has(task.format)) continue;
    const folder = folders[task.format]!;
    if (!existsSync(folder)) fail(`the ${task.format} collection is not at ${folder} (see ../shared/data/PROVENANCE.md, or pass --${task.format} DIR)`);
    collections.set(task.format, readSegmentFolder(folder, task.format));
  }
  const readS = (performance.now() - started) / 1000;

  const tf = methodIds.includes('neural') || methodIds.includes('default') ? await tfFor(backend) : undefined;
  const notes: string[] = [];
  let zeroShot: { neural: NeuralSeizureModel; heldOut: ReturnType<typeof cardHeldOut> } | undefined;
  if (methodIds.includes('default')) {
    // Loaded only when asked for: the shipped model's module reads assets/ on use.
    const { defaultModelDir, hasDefaultSeizureModel, loadDefaultSeizureModel, readDefaultModelCard } = await import('../main/pipelines/seizure/neural/default-model.js');
    if (hasDefaultSeizureModel()) {
      zeroShot = { neural: await loadDefaultSeizureModel(tf!), heldOut: cardHeldOut(readDefaultModelCard(), defaultModelDir()) };
    } else notes.push(`The shipped default model is not in ${defaultModelDir()}: its zero-shot rows are missing.`);
  }
  // Fresh methods per task, so a task's time includes computing its segments' features.
  const buildMethods = (): SegmentMethod[] =>
    methodIds.flatMap((id) => {
      switch (id) {
        case 'default':
          return [];
        case 'logreg':
          return logisticMethod();
        case 'classical':
          return classicalMethod();
        case 'neural':
          return neuralMethod({ tf: tf!, training: { maxEpochs: epochs } });
        default:
          return fail(`unknown method '${id}'`);
      }
    });
  const methods = buildMethods();
  const results: TaskResult[] = [];
  for (const task of tasks) {
    process.stderr.write(`${task.title}…\n`);
    const result = await evaluateTask(task, collections.get(task.format)!, buildMethods(), {
      folds,
      seed,
      onProgress: (p) => process.stderr.write(`  ${p.method} fold ${p.fold + 1}/${p.folds}\r`),
    });
    if (zeroShot) result.methods.push(evaluateZeroShot(task, collections.get(task.format)!, zeroShot.neural, zeroShot.heldOut));
    results.push(result);
  }
  const totalS = (performance.now() - started) / 1000;
  const environment = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ folds, seed, readS, totalS, environment, protocols: Object.fromEntries(methods.map((m) => [m.id, m.protocol])), results }, null, 1)}\n`);
    return;
  }
  const out = [
    `Segment classification, stratified ${folds}-fold cross-validation (seed ${seed}), the same folds for every method; metrics pooled over the test folds.`,
    '',
    markdownTable(results),
    '',
    ...methods.map((m) => `- **${m.title}**: ${m.protocol}.`),
    ...(zeroShot ? [`- **Shipped default model**: zero-shot, at its own threshold ${zeroShot.heldOut.threshold}, on the segments its card lists as held out of its training only (no folds; it saw the others).`] : []),
    '- ‡ a detector scored as ictal vs the rest on a 3-class task: 2-class accuracy.',
    ...notes.map((n) => `- ${n}`),
    '- Accuracy counts every class of the task; sensitivity and specificity are those of the ictal class against the rest (in a 3-class task a healthy segment called interictal is an accuracy error but not a specificity error).',
    '',
    `Reading the collections took ${readS.toFixed(1)} s; the whole run ${totalS.toFixed(1)} s (Node ${environment.node}, ${environment.cpus} × ${environment.cpu}).`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
