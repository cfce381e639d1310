/**
 * `cajal neuroformer train <project.cajal> <recording-id> [--config tiny|paper] [--epochs N]
 *  [--batch-size N] [--seed N] [--resume MODEL-ID] [--backend B] [--name NAME] [--param key=value …] [--json]`
 *   a `neuroformer-train` run (progress on stderr, Ctrl-C cancels and keeps the last checkpoint).
 * `cajal neuroformer generate|connectivity|evaluate <project.cajal> <recording-id> [--model MODEL-ID]
 *  [--backend B] [--param key=value …] [--json]`
 *   a run of the stored model (default: the latest finished one trained on this recording).
 * `cajal neuroformer simulate <project.cajal> <new-folder> [--param neurons=100] [--param durationS=600]
 *  [--seed N] [--json]`
 *   writes a simulated network with known wiring as a Kilosort folder (simulate-write.ts) and
 *   imports it into the project as a spikes recording.
 * `--json`: one document with the run, its model and its result values.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { recordingKind, type Recording } from '../../../shared/api/index.js';
import { table } from '../../console/format.js';
import { report } from '../../console/output.js';
import { FileAccessError, ValidationError } from '../../errors.js';
import { NF_MODEL_PIPELINE, type NfEpochRecord } from '../../pipelines/neuroformer/bundle.js';
import { NF_CONNECTIVITY_PIPELINE } from '../../pipelines/neuroformer/connectivity-pipeline.js';
import { NF_EVALUATE_PIPELINE } from '../../pipelines/neuroformer/evaluate-pipeline.js';
import { NF_GENERATE_PIPELINE } from '../../pipelines/neuroformer/generate-pipeline.js';
import { writeSimulatedFolder } from '../../pipelines/neuroformer/simulate-write.js';
import { NF_TRAIN_PIPELINE } from '../../pipelines/neuroformer/train-pipeline.js';
import type { NetworkSimParams } from '../../pipelines/spikes/simulate.js';
import type { Store } from '../../store/index.js';
import { defineCommand, type CliContext, type ParsedFlags } from '../types.js';

const OPTIONS = {
  config: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  resume: { type: 'string' },
  backend: { type: 'string' },
  name: { type: 'string' },
  model: { type: 'string' },
  param: { type: 'string', multiple: true },
} as const;

type NfFlags = ParsedFlags<typeof OPTIONS>;

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!value.trim() || !Number.isInteger(n) || n < min) throw new ValidationError(flag, `expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function projectOf(arg: string | undefined, usage: string): string {
  if (!arg) throw new ValidationError('neuroformer', `usage: ${usage}`);
  const path = resolve(arg);
  if (!existsSync(path)) throw new FileAccessError(path, 'no such project file (create it with cajal init, then cajal import <project> <spike folder>)');
  return path;
}

function spikeRecording(store: Store, idArg: string | undefined): Recording {
  const id = wholeNumber('<recording-id>', idArg, 1);
  if (id === undefined) throw new ValidationError('<recording-id>', 'expected the id of a spike recording of the project (cajal list <project>)');
  const recording = store.recordings.get(id);
  if (!recording) throw new ValidationError('<recording-id>', `the project has no recording ${id}`);
  if (recordingKind(recording) !== 'spikes') throw new ValidationError('<recording-id>', `recording ${id} is a ${recordingKind(recording)} recording, not spike trains`);
  return recording;
}

/** The model a run uses: --model, else the latest finished Neuroformer trained on this recording. */
function modelFor(store: Store, recordingId: number, flag: string | undefined): number {
  const asked = wholeNumber('--model', flag, 1);
  if (asked !== undefined) return asked;
  const own = store.models
    .list(NF_MODEL_PIPELINE)
    .filter((m) => m.status === 'complete' && m.runId !== null && store.runs.get(m.runId)?.recordingId === recordingId)
    .at(-1);
  if (!own) throw new ValidationError('--model', `no finished Neuroformer trained on recording ${recordingId}; train one (cajal neuroformer train) or name one with --model`);
  return own.id;
}

function resultValues(store: Store, runId: number): Record<string, unknown> {
  return Object.fromEntries(store.results.list(runId).map((r) => [r.key, r.value]));
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(3));

async function train(args: string[], flags: NfFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const projectPath = projectOf(args[0], 'cajal neuroformer train <project.cajal> <recording-id> [--config tiny|paper]');
  const params: Record<string, unknown> = { ...cli.parseParams(flags.param ?? []) };
  const config = flags.config ?? 'tiny';
  if (!['tiny', 'paper'].includes(config)) throw new ValidationError('--config', `expected tiny or paper, got "${config}"`);
  params.config = config;
  const set = (key: string, value: unknown) => value !== undefined && (params[key] = value);
  set('epochs', wholeNumber('--epochs', flags.epochs, 1));
  set('batchSize', wholeNumber('--batch-size', flags['batch-size'], 1));
  set('seed', wholeNumber('--seed', flags.seed, 0));
  set('resumeFromModelId', wholeNumber('--resume', flags.resume, 1));
  set('backend', flags.backend);
  set('name', flags.name);
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const recording = spikeRecording(project.store, args[1]);
    const run = await project.runAndWait(NF_TRAIN_PIPELINE, recording.id, params);
    const model = project.store.models.ofRun(run.id)[0];
    const history = (model?.meta.checkpoint as { history?: NfEpochRecord[] } | undefined)?.history ?? [];
    const value = { project: projectPath, recordingId: recording.id, runId: run.id, status: run.status, model: model ? { id: model.id, name: model.name, status: model.status } : null, history };
    report(io, value, (v) => {
      if (v.history.length) {
        io.out(table(['epoch', 'train loss', 'val loss', 'val CE id', 'val CE dt', 'val F1', 'lr', 'ms/step'], v.history.map((h) => [h.epoch, h.trainLoss.toFixed(4), f3(h.validationLoss), f3(h.validationCeId), f3(h.validationCeDt), f3(h.validationF1), h.lr.toExponential(2), Math.round(h.msPerStep)])));
      }
      if (run.status !== 'succeeded') io.out(model ? `run ${run.id} ${run.status}; its last checkpoint is model #${model.id}: continue with --resume ${model.id}` : `run ${run.id} ${run.status}`);
      else if (model) io.out(`stored model #${model.id} in ${projectPath} (run ${run.id}, "${model.name}")`);
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

async function useModel(sub: 'generate' | 'connectivity' | 'evaluate', args: string[], flags: NfFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const pipeline = { generate: NF_GENERATE_PIPELINE, connectivity: NF_CONNECTIVITY_PIPELINE, evaluate: NF_EVALUATE_PIPELINE }[sub];
  const projectPath = projectOf(args[0], `cajal neuroformer ${sub} <project.cajal> <recording-id> [--model MODEL-ID]`);
  const params: Record<string, unknown> = { ...cli.parseParams(flags.param ?? []) };
  if (flags.backend !== undefined) params.backend = flags.backend;
  if (flags.seed !== undefined && sub !== 'connectivity') params.seed = wholeNumber('--seed', flags.seed, 0);
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const recording = spikeRecording(project.store, args[1]);
    params.modelId = modelFor(project.store, recording.id, flags.model);
    const run = await project.runAndWait(pipeline, recording.id, params);
    const results = resultValues(project.store, run.id);
    const value = { project: projectPath, recordingId: recording.id, runId: run.id, status: run.status, modelId: params.modelId, results };
    report(io, value, (v) => {
      if (sub === 'evaluate' && v.results.evaluation) {
        const e = v.results.evaluation as { prediction: { method: string; precision: number; recall: number; f1: number; windows: number; corrected?: { f1: number } }[]; psth: { eventSet: string; trials: number; ceilingMeanR: number; rows: { method: string; meanR: number }[] } | null; notes: string[] };
        io.out(table(['method', 'precision', 'recall', 'F1', 'F1 (corrected)', 'windows'], e.prediction.map((r) => [r.method, f3(r.precision), f3(r.recall), f3(r.f1), f3(r.corrected?.f1 ?? null), r.windows])));
        if (e.psth) io.out(table(['PSTH', 'mean r', 'reliability ceiling', 'trials'], e.psth.rows.map((r) => [r.method, f3(r.meanR), f3(e.psth!.ceilingMeanR), e.psth!.trials])));
        for (const n of e.notes) io.out(`· ${n}`);
      }
      if (sub === 'connectivity' && v.results.connectivity) {
        const c = v.results.connectivity as { windows: number; scores: { method: string; auroc: number; auprc: number; prevalence: number; hubSpearman: number | null; directionAuroc: number | null }[] };
        if (c.scores.length) io.out(table(['method', 'AUROC', 'AUPRC', 'chance AUPRC', 'hub ρ', 'direction AUROC'], c.scores.map((s) => [s.method, f3(s.auroc), f3(s.auprc), f3(s.prevalence), f3(s.hubSpearman), f3(s.directionAuroc)])));
        io.out(`attention rollout over ${c.windows} windows stored as run ${run.id}'s "connectivity" (neuron × neuron, row = predicted, column = attended past)`);
      }
      if (sub === 'generate' && v.results.generated) {
        const g = v.results.generated as { spikes: number; spans: [number, number][] };
        io.out(`generated ${g.spikes} spikes over ${g.spans.length} span(s) (${g.spans.reduce((s, [a, b]) => s + b - a, 0).toFixed(1)} s), stored with run ${run.id}`);
      }
      if (run.status !== 'succeeded') io.out(`run ${run.id} ${run.status}`);
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

async function simulate(args: string[], flags: NfFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const projectPath = projectOf(args[0], 'cajal neuroformer simulate <project.cajal> <new-folder> [--param neurons=100] [--param durationS=600]');
  if (!args[1]) throw new ValidationError('<new-folder>', 'expected a folder to write the simulated network to (new or empty)');
  const folder = resolve(args[1]);
  const given = cli.parseParams(flags.param ?? []) as Partial<NetworkSimParams>;
  const params: NetworkSimParams = { neurons: 100, durationS: 600, ...given, seed: wholeNumber('--seed', flags.seed, 0) ?? given.seed ?? 0 };
  const { network, spikes } = writeSimulatedFolder(folder, params);
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const outcome = await project.importRecordings([folder], { detailedFileErrors: true });
    const recording = outcome.imported[0] ?? outcome.restored[0];
    const value = { project: projectPath, folder, recordingId: recording?.id ?? null, neurons: network.neurons, spikes, meanRateHz: network.meanRateHz, spectralRadius: network.spectralRadius, hubs: Array.from(network.hubIndices), errors: outcome.errors };
    report(io, value, (v) => {
      io.out(`simulated ${v.neurons} neurons for ${params.durationS} s: ${v.spikes} spikes (mean ${v.meanRateHz.toFixed(2)} Hz, ρ(W⁺) ${v.spectralRadius.toFixed(3)}, hubs ${v.hubs.join(', ')}) → ${folder}`);
      io.out(recording ? `imported as recording ${recording.id}` : `not imported: ${outcome.errors.map((e) => e.message).join('; ')}`);
    });
    return recording ? 0 : 1;
  });
}

export async function neuroformer(args: string[], flags: NfFlags, cli: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'train':
      return train(rest, flags, cli);
    case 'generate':
    case 'connectivity':
    case 'evaluate':
      return useModel(sub, rest, flags, cli);
    case 'simulate':
      return simulate(rest, flags, cli);
    default:
      throw new ValidationError('neuroformer', `unknown neuroformer command "${sub ?? ''}" (expected train, generate, connectivity, evaluate or simulate)`);
  }
}

export const neuroformerCommand = defineCommand({
  verb: 'neuroformer',
  options: OPTIONS,
  run: neuroformer,
  usage: [
    {
      verb: 'neuroformer',
      sub: 'train',
      synopsis: ['neuroformer train <project.cajal> <recording-id> [--config tiny|paper] [--epochs N] [--batch-size N]', '[--seed N] [--resume MODEL-ID] [--backend B] [--name NAME] [--param key=value]'],
      description: ['Neuroformer trained on a spike recording as a run that stores its model', '(held-out time blocks; checkpoint each epoch; Ctrl-C keeps it)'],
      json: true,
    },
    {
      verb: 'neuroformer',
      sub: 'generate',
      synopsis: ['neuroformer generate <project.cajal> <recording-id> [--model MODEL-ID] [--seed N] [--param key=value]'],
      description: ['Own-past rollout of a stored Neuroformer over its held-out blocks; stores the spikes'],
      json: true,
    },
    {
      verb: 'neuroformer',
      sub: 'connectivity',
      synopsis: ['neuroformer connectivity <project.cajal> <recording-id> [--model MODEL-ID] [--param key=value]'],
      description: ['Attention-rollout connectivity (neuron × neuron); scored vs CCG and GLM', 'against the true wiring of a simulated network'],
      json: true,
    },
    {
      verb: 'neuroformer',
      sub: 'evaluate',
      synopsis: ['neuroformer evaluate <project.cajal> <recording-id> [--model MODEL-ID] [--seed N] [--param key=value]'],
      description: ['Spike-prediction F1 on held-out blocks (model, random init, Poisson GLM)', 'and PSTH correlation against the reliability ceiling'],
      json: true,
    },
    {
      verb: 'neuroformer',
      sub: 'simulate',
      synopsis: ['neuroformer simulate <project.cajal> <new-folder> [--seed N] [--param neurons=100] [--param durationS=600]'],
      description: ['A recurrent spiking network with known wiring (E/I, hubs, cosine drive)', 'written as a Kilosort folder and imported'],
      json: true,
    },
  ],
});
