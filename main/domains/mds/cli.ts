/**
 * `cajal mds fit-model <project.cajal> <recording-id> [--seed N] [--epochs N] [--backend B] [--param key=value …] [--json]`
 *   an `mds-fit-model` run: the response model (ensemble) trained on a spikes recording.
 * `cajal mds cluster <project.cajal> <model-id> [--recording ID] [--clusters K] [--seed N] [--param key=value …] [--json]`
 *   an `mds-cluster` run through stored response model <model-id> (on the recording it was trained on).
 * `cajal mds cluster [<project.cajal>] --toy-onoff [--clusters 5] [--seed 42] [--param key=value …] [--json]`
 *   the reference's toy run (TestOnOffModel): stored as an `mds-cluster-toy` run with a project,
 *   computed in this process and printed without one.
 * `cajal mds assign <project.cajal> <cluster-run-id> [--method auto|simulated-new-cells|model-all] [--seed N] [--param key=value …] [--json]`
 *   an `mds-assign` run: on-the-fly assignment by argmax response to the clustering's MDS.
 * `cajal mds simulate <new-folder> [--seed N] [--param types=8] [--param cellsPerType=8] … [--project P.cajal] [--json]`
 *   writes a simulated retina with planted types (a spikes folder + stimulus.npy + simulation.json);
 *   with --project it is imported into that project.
 * `--json`: one document with the run and its result values.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { recordingKind, type Recording } from '../../../shared/api/index.js';
import { table } from '../../console/format.js';
import { progressPrinter, report } from '../../console/output.js';
import { FileAccessError, ValidationError } from '../../errors.js';
import { MDS_ASSIGN_PIPELINE } from '../../pipelines/mds/assign-pipeline.js';
import { MDS_CLUSTER_PIPELINE } from '../../pipelines/mds/cluster-pipeline.js';
import { MDS_CLUSTER_TOY_PIPELINE, MdsClusterToyParams, runToyClustering } from '../../pipelines/mds/cluster-toy-pipeline.js';
import { MDS_SET_PIPELINE } from '../../pipelines/mds/mds-set.js';
import { MDS_MODEL_PIPELINE } from '../../pipelines/mds/model/load.js';
import { simulateRetina, writeSimulatedRetina, type SimulateRetinaOptions } from '../../pipelines/mds/simulate/index.js';
import type { Store } from '../../store/index.js';
import { defineCommand, type CliContext, type ParsedFlags } from '../types.js';
import { MDS_FIT_PIPELINE } from './view.js';

const OPTIONS = {
  clusters: { type: 'string' },
  'toy-onoff': { type: 'boolean' },
  method: { type: 'string' },
  recording: { type: 'string' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  backend: { type: 'string' },
  project: { type: 'string' },
  param: { type: 'string', multiple: true },
} as const;

type MdsFlags = ParsedFlags<typeof OPTIONS>;

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!value.trim() || !Number.isInteger(n) || n < min) throw new ValidationError(flag, `expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}

function projectOf(arg: string | undefined, usage: string): string {
  if (!arg) throw new ValidationError('mds', `usage: ${usage}`);
  const path = resolve(arg);
  if (!existsSync(path)) throw new FileAccessError(path, 'no such project file (create it with cajal init, then cajal import <project> <spike folder>)');
  return path;
}

function spikeRecording(store: Store, id: number, what: string): Recording {
  const recording = store.recordings.get(id);
  if (!recording) throw new ValidationError(what, `the project has no recording ${id}`);
  if (recordingKind(recording) !== 'spikes') throw new ValidationError(what, `recording ${id} is a ${recordingKind(recording)} recording, not spike trains`);
  return recording;
}

function resultValues(store: Store, runId: number): Record<string, unknown> {
  return Object.fromEntries(store.results.list(runId).filter((r) => !r.key.includes('.')).map((r) => [r.key, r.value]));
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '' : v.toFixed(3));

/** Common flags → params (flags win over --param). */
function baseParams(flags: MdsFlags, cli: CliContext): Record<string, unknown> {
  const params: Record<string, unknown> = { ...cli.parseParams(flags.param ?? []) };
  const seed = wholeNumber('--seed', flags.seed, 0);
  if (seed !== undefined) params.seed = seed;
  if (flags.backend !== undefined) params.backend = flags.backend;
  return params;
}

async function fitModel(args: string[], flags: MdsFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const projectPath = projectOf(args[0], 'cajal mds fit-model <project.cajal> <recording-id>');
  const params = baseParams(flags, cli);
  const epochs = wholeNumber('--epochs', flags.epochs, 1);
  if (epochs !== undefined) params.epochs = epochs;
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const id = wholeNumber('<recording-id>', args[1], 1);
    if (id === undefined) throw new ValidationError('<recording-id>', 'expected the id of a spike recording of the project (cajal list <project>)');
    const recording = spikeRecording(project.store, id, '<recording-id>');
    const run = await project.runAndWait(MDS_FIT_PIPELINE, recording.id, params);
    const model = project.store.models.ofRun(run.id).find((m) => m.pipeline === MDS_MODEL_PIPELINE) ?? project.store.models.ofRun(run.id)[0];
    const results = resultValues(project.store, run.id);
    const value = { project: projectPath, recordingId: recording.id, runId: run.id, status: run.status, model: model ? { id: model.id, name: model.name, status: model.status } : null, results };
    report(io, value, (v) => {
      const fit = v.results.fit as { meanHeldOutCorr: number; meanCeiling: number; testTrials: number; testDescription: string; seconds: number; seeds: number[] } | undefined;
      if (fit) io.out(table(['held-out r (mean)', 'ceiling (mean)', 'test trials', 'test', 'seeds', 'seconds'], [[f3(fit.meanHeldOutCorr), f3(fit.meanCeiling), fit.testTrials, fit.testDescription, fit.seeds.join(' '), fit.seconds.toFixed(1)]]));
      io.out(run.status === 'succeeded' && model ? `stored response model #${model.id} (run ${run.id}); cluster with: cajal mds cluster ${projectPath} ${model.id}` : `run ${run.id} ${run.status}`);
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

interface ClusteringSummary {
  initialClusters: number;
  clusters: { clusterId: number; members: number[]; majorityType: string | null; loss: number }[];
  knownTypes: { ari: number } | null;
  finalLoss: number;
  selfAssignmentAccuracy: number;
  splits: { clusterId: number; subclusters: number; accepted: boolean }[];
  baselines: { method: string; clusters: number; ari: number | null }[];
  seconds: number;
  stepsPerSecond: number;
  trajectory: { phase: string; iteration: number; clusters: number; moved: number; loss: number }[];
}

function printClustering(cli: CliContext, c: ClusteringSummary): void {
  const { io } = cli;
  io.out(table(['phase', 'iteration', 'clusters', 'moved', 'mean loss'], c.trajectory.map((t) => [t.phase, t.iteration, t.clusters, t.moved, t.loss.toFixed(5)])));
  io.out(table(['cluster', 'cells', 'majority type', 'loss −J'], c.clusters.map((k) => [k.clusterId, k.members.length, k.majorityType ?? '', k.loss.toFixed(5)])));
  if (c.splits.length) io.out(`splits: ${c.splits.map((s) => `${s.clusterId}→${s.subclusters} ${s.accepted ? 'accepted' : 'rejected'}`).join(', ')}`);
  const rows: (string | number)[][] = [['MDS', c.clusters.length, f3(c.knownTypes?.ari)]];
  for (const b of c.baselines) rows.push([b.method, b.clusters, f3(b.ari)]);
  io.out(table(['method', 'clusters', 'ARI'], rows));
  io.out(`${c.initialClusters} → ${c.clusters.length} clusters, final loss ${c.finalLoss.toFixed(5)}, self-assignment ${f3(c.selfAssignmentAccuracy)}, ${c.seconds.toFixed(1)} s (${c.stepsPerSecond.toFixed(1)} optimiser steps/s)`);
}

async function cluster(args: string[], flags: MdsFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const params = baseParams(flags, cli);
  const clusters = wholeNumber('--clusters', flags.clusters, 2);
  if (clusters !== undefined) params.clusters = clusters;
  if (flags['toy-onoff']) {
    if (!args[0]) {
      // No project: the toy is computed here and printed (nothing stored).
      const parsed = MdsClusterToyParams.safeParse(params);
      if (!parsed.success) throw new ValidationError(`params.${parsed.error.issues[0]!.path.join('.')}`, parsed.error.issues[0]!.message);
      const started = performance.now();
      const value = await runToyClustering(parsed.data, { onProgress: progressPrinter(io, 'mds toy: ') });
      const seconds = (performance.now() - started) / 1000;
      const out = { toy: 'onoff', params: parsed.data, wallSeconds: seconds, clustering: { ...value, assignment: Array.from(value.assignment), mds: undefined, responses: Array.from(value.responses), temporalComponent: undefined, spatialComponent: undefined, componentVariance: Array.from(value.componentVariance), responseConfusion: Array.from(value.responseConfusion), knownTypes: value.knownTypes ? { ...value.knownTypes, counts: Array.from(value.knownTypes.counts) } : null } };
      report(io, out, () => printClustering(cli, value));
      return 0;
    }
    const projectPath = projectOf(args[0], 'cajal mds cluster [<project.cajal>] --toy-onoff');
    return cli.withProject(projectPath, { create: false }, async (project) => {
      const run = await project.runAndWait(MDS_CLUSTER_TOY_PIPELINE, null, params);
      const results = resultValues(project.store, run.id);
      report(io, { project: projectPath, runId: run.id, status: run.status, results }, (v) => {
        if (v.results.clustering) printClustering(cli, v.results.clustering as ClusteringSummary);
        if (run.status !== 'succeeded') io.out(`run ${run.id} ${run.status}`);
      });
      return run.status === 'succeeded' ? 0 : 1;
    });
  }
  const projectPath = projectOf(args[0], 'cajal mds cluster <project.cajal> <model-id> | --toy-onoff');
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const modelId = wholeNumber('<model-id>', args[1], 1);
    if (modelId === undefined) throw new ValidationError('<model-id>', 'expected the id of a stored MDS response model (cajal mds fit-model prints it)');
    const model = project.store.models.get(modelId);
    if (!model || model.pipeline !== MDS_MODEL_PIPELINE) throw new ValidationError('<model-id>', `model ${modelId} is not an MDS response model of this project`);
    const recordingId = wholeNumber('--recording', flags.recording, 1) ?? (model.runId !== null ? project.store.runs.get(model.runId)?.recordingId ?? undefined : undefined);
    if (recordingId === undefined) throw new ValidationError('--recording', `model ${modelId} has no recording it was trained on; name one with --recording`);
    const recording = spikeRecording(project.store, recordingId, '--recording');
    params.modelId = modelId;
    const run = await project.runAndWait(MDS_CLUSTER_PIPELINE, recording.id, params);
    const results = resultValues(project.store, run.id);
    report(io, { project: projectPath, recordingId: recording.id, modelId, runId: run.id, status: run.status, results }, (v) => {
      if (v.results.clustering) printClustering(cli, v.results.clustering as ClusteringSummary);
      io.out(run.status === 'succeeded' ? `assign new cells with: cajal mds assign ${projectPath} ${run.id}` : `run ${run.id} ${run.status}`);
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

async function assign(args: string[], flags: MdsFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const projectPath = projectOf(args[0], 'cajal mds assign <project.cajal> <cluster-run-id>');
  const params = baseParams(flags, cli);
  if (flags.method !== undefined) params.method = flags.method;
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const clusteringRunId = wholeNumber('<cluster-run-id>', args[1], 1);
    if (clusteringRunId === undefined) throw new ValidationError('<cluster-run-id>', 'expected the id of an mds-cluster run');
    const clusterRun = project.store.runs.get(clusteringRunId);
    if (!clusterRun || clusterRun.pipeline !== MDS_CLUSTER_PIPELINE) throw new ValidationError('<cluster-run-id>', `run ${clusteringRunId} is not an mds-cluster run of this project (the toy run has no recording to assign)`);
    const set = project.store.models.ofRun(clusteringRunId).find((m) => m.pipeline === MDS_SET_PIPELINE);
    if (!set || clusterRun.recordingId === null) throw new ValidationError('<cluster-run-id>', `run ${clusteringRunId} has no stored MDS (status ${clusterRun.status})`);
    params.clusteringRunId = clusteringRunId;
    params.modelId = set.id;
    const run = await project.runAndWait(MDS_ASSIGN_PIPELINE, clusterRun.recordingId, params);
    const results = resultValues(project.store, run.id);
    report(io, { project: projectPath, clusteringRunId, runId: run.id, status: run.status, results }, (v) => {
      const a = v.results.assignment as { method: string; cells: number; clusters: number; accuracy: number; ari: number | null; notes: string[] } | undefined;
      if (a) {
        io.out(table(['method', 'cells', 'clusters', 'accuracy', 'ARI'], [[a.method, a.cells, a.clusters, f3(a.accuracy), f3(a.ari)]]));
        for (const n of a.notes) io.out(`· ${n}`);
      }
      if (run.status !== 'succeeded') io.out(`run ${run.id} ${run.status}`);
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

async function simulate(args: string[], flags: MdsFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  if (!args[0]) throw new ValidationError('<new-folder>', 'usage: cajal mds simulate <new-folder> [--seed N] [--param types=8] [--project P.cajal]');
  const folder = resolve(args[0]);
  const given = cli.parseParams(flags.param ?? []) as SimulateRetinaOptions;
  const options: SimulateRetinaOptions = { ...given, seed: wholeNumber('--seed', flags.seed, 0) ?? given.seed };
  const sim = simulateRetina(options);
  const { spikes } = writeSimulatedRetina(folder, sim);
  const summary = { folder, seed: sim.options.seed, types: sim.types.map((t) => t.name), cells: sim.cells.length, frames: sim.shape.frames, frameRateHz: sim.shape.frameRateHz, canvas: [sim.shape.height, sim.shape.width, sim.shape.channels], spikes };
  const text = () => io.out(`simulated retina (seed ${summary.seed}): ${summary.cells} cells of ${summary.types.length} planted types, ${summary.frames} frames at ${summary.frameRateHz} Hz on ${summary.canvas.join('×')}, ${spikes} spikes → ${folder}`);
  if (!flags.project) {
    report(io, summary, text);
    return 0;
  }
  const projectPath = projectOf(flags.project, 'cajal mds simulate <new-folder> --project <project.cajal>');
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const outcome = await project.importRecordings([folder], { detailedFileErrors: true });
    const recording = outcome.imported[0] ?? outcome.restored[0];
    report(io, { ...summary, project: projectPath, recordingId: recording?.id ?? null, errors: outcome.errors }, () => {
      text();
      io.out(recording ? `imported as recording ${recording.id}; next: cajal mds fit-model ${projectPath} ${recording.id}` : `not imported: ${outcome.errors.map((e) => e.message).join('; ')}`);
    });
    return recording ? 0 : 1;
  });
}

export async function mds(args: string[], flags: MdsFlags, cli: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'fit-model':
      return fitModel(rest, flags, cli);
    case 'cluster':
      return cluster(rest, flags, cli);
    case 'assign':
      return assign(rest, flags, cli);
    case 'simulate':
      return simulate(rest, flags, cli);
    default:
      throw new ValidationError('mds', `unknown mds command "${sub ?? ''}" (expected fit-model, cluster, assign or simulate)`);
  }
}

export const mdsCommand = defineCommand({
  verb: 'mds',
  options: OPTIONS,
  run: mds,
  usage: [
    {
      verb: 'mds',
      sub: 'fit-model',
      synopsis: ['mds fit-model <project.cajal> <recording-id> [--seed N] [--epochs N] [--backend B] [--param key=value]'],
      description: ['Response model for MDS (separable conv core + Gaussian readout ensemble, Poisson loss)', 'trained on a spike recording; held-out r against the reliability ceiling'],
      json: true,
    },
    {
      verb: 'mds',
      sub: 'cluster',
      synopsis: ['mds cluster <project.cajal> <model-id> [--recording ID] [--clusters K] [--seed N] [--param key=value]', 'mds cluster [<project.cajal>] --toy-onoff [--clusters 5] [--seed 42]'],
      description: ['Most Discriminative Stimuli clustering through a response model (EM + split);', '--toy-onoff: the reference toy run (even/odd on/off units)'],
      json: true,
    },
    {
      verb: 'mds',
      sub: 'assign',
      synopsis: ['mds assign <project.cajal> <cluster-run-id> [--method auto|simulated-new-cells|model-all] [--seed N]'],
      description: ['On-the-fly assignment of cells by argmax response to each cluster’s MDS'],
      json: true,
    },
    {
      verb: 'mds',
      sub: 'simulate',
      synopsis: ['mds simulate <new-folder> [--seed N] [--param types=8] [--param cellsPerType=8] [--project P.cajal]'],
      description: ['A simulated retina with planted LN cell types (chirp, bars, noise) as a spikes folder;', '--project imports it'],
      json: true,
    },
  ],
});
