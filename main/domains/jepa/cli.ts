/**
 * `cajal jepa pretrain <project.cajal> <cohort-id> --config tiny|small|base [--epochs N]
 *  [--batch-size N] [--seed N] [--crop FRAMES] [--subjects ID,ID,…] [--resume MODEL-ID]
 *  [--backend B] [--name NAME] [--param key=value …] [--json]`
 *
 * Brain-JEPA pretraining as a `jepa-pretrain` run of the project (progress on stderr, Ctrl-C
 * cancels and keeps the last epoch's checkpoint, `--resume` continues from one); the model is
 * stored with the run. `--param` passes any other pipeline param (lr, warmupEpochs,
 * accumulationSteps, validationFraction, gradientCsv, …). `--json`: one document naming the run,
 * its model and the per-epoch curves.
 *
 * `cajal jepa probe <project.cajal> <cohort-id> [--config …] [--epochs N] [--folds K] [--targets
 *  diagnosis,sex] [--baseline pearson|partial|tangent] [--json]`: the cross-validated evaluation (a
 * `jepa-probe` run; main/pipelines/jepa/probe-pipeline.ts), printed as one table per target.
 *
 * `cajal jepa import <project.cajal> <file.pth.tar|.safetensors> [--gradients <csv>] [--heads N]
 *  [--name NAME] [--json]`: a lab's checkpoint of the reference architecture as a model of the
 * project (a `jepa-import` run; see main/pipelines/jepa/import-checkpoint.ts), usable by
 * `jepa pretrain --resume MODEL-ID` and the probe.
 *
 * `cajal jepa export <project.cajal> <model-id> <out.safetensors> [--overwrite] [--json]`: a
 * project's Brain-JEPA model as safetensors (the reference's keys and layouts, the config as
 * metadata). Never over the project file or a source recording; over another existing file only
 * with --overwrite (io/write-target, as `fmri connectivity --out`).
 */
import { resolve } from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { recordingKind, type JepaTargetReport, type Recording } from '../../../shared/api/index.js';
import { table } from '../../console/format.js';
import { report } from '../../console/output.js';
import { FileAccessError, NotFoundError, ValidationError } from '../../errors.js';
import { writeSafetensors } from '../../io/torch/index.js';
import { checkWriteTarget, writeFileAtomically, type WriteTargetOptions } from '../../io/write-target.js';
import { JEPA_BUNDLE_FORMAT, JEPA_MODEL_PIPELINE, type JepaEpochRecord } from '../../pipelines/jepa/bundle.js';
import { exportJepaSafetensors } from '../../pipelines/jepa/import-checkpoint.js';
import { JEPA_IMPORT_PIPELINE } from '../../pipelines/jepa/import-pipeline.js';
import { JEPA_PRETRAIN_PIPELINE } from '../../pipelines/jepa/pretrain-pipeline.js';
import { JEPA_PROBE_PIPELINE } from '../../pipelines/jepa/probe-pipeline.js';
import { protectedPaths } from '../../store/protected-paths.js';
import { defineCommand, type CliContext, type ParsedFlags, type ProjectSession } from '../types.js';

const OPTIONS = {
  config: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  seed: { type: 'string' },
  crop: { type: 'string' },
  subjects: { type: 'string' },
  resume: { type: 'string' },
  backend: { type: 'string' },
  name: { type: 'string' },
  param: { type: 'string', multiple: true },
  folds: { type: 'string' },
  targets: { type: 'string' },
  baseline: { type: 'string' },
  gradients: { type: 'string' },
  heads: { type: 'string' },
  overwrite: { type: 'boolean' },
} as const;

type JepaFlags = ParsedFlags<typeof OPTIONS>;

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!value.trim() || !Number.isInteger(n) || n < min) throw new ValidationError(flag, `expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/** The flags both verbs share, as pipeline params (undefined flags left to the pipeline's defaults). */
function sharedParams(flags: JepaFlags, cli: Pick<CliContext, 'parseParams'>, minBatch: number): { params: Record<string, unknown>; set: (key: string, value: unknown) => void } {
  const config = flags.config ?? 'tiny';
  if (!['tiny', 'small', 'base'].includes(config)) throw new ValidationError('--config', `expected tiny, small or base, got "${config}"`);
  const params: Record<string, unknown> = { ...cli.parseParams(flags.param ?? []), config };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) params[key] = value;
  };
  set('epochs', wholeNumber('--epochs', flags.epochs, 1));
  set('batchSize', wholeNumber('--batch-size', flags['batch-size'], minBatch));
  set('seed', wholeNumber('--seed', flags.seed, 0));
  set('crop', wholeNumber('--crop', flags.crop, 1));
  set('backend', flags.backend);
  return { params, set };
}

/** The pretraining params the flags ask for. */
export function pretrainParams(flags: JepaFlags, cli: Pick<CliContext, 'parseParams'>): Record<string, unknown> {
  const { params, set } = sharedParams(flags, cli, 1);
  set('resumeFromModelId', wholeNumber('--resume', flags.resume, 1));
  set('name', flags.name);
  if (flags.subjects !== undefined) set('trainingSubjects', flags.subjects.split(',').map((s) => s.trim()).filter(Boolean));
  return params;
}

/**
 * `<project.cajal> <cohort-id>` of pretrain and probe, checked before anything runs: the project file
 * exists, the id is a whole number, and the recording is in the project and is a cohort.
 */
function withCohort<P>(args: string[], verb: string, usage: string, cli: CliContext, parseParams: () => P, body: (project: ProjectSession, projectPath: string, recordingId: number, params: P) => Promise<number>): Promise<number> {
  const [projectArg, idArg] = args;
  if (!projectArg || !idArg) throw new ValidationError(verb, usage);
  const projectPath = resolve(projectArg);
  if (!existsSync(projectPath)) throw new FileAccessError(projectPath, 'no such project file (create it with cajal init, then cajal import <project> <cohort-folder>)');
  const recordingId = wholeNumber('<cohort-id>', idArg, 1)!;
  const params = parseParams(); // after the arguments, before the project is opened: a bad flag is one line
  return cli.withProject(projectPath, { create: false }, (project) => {
    const recording: Recording | undefined = project.store.recordings.get(recordingId);
    if (!recording) throw new ValidationError('<cohort-id>', `the project has no recording ${recordingId}`);
    if (recordingKind(recording) !== 'cohort') throw new ValidationError('<cohort-id>', `recording ${recordingId} is a ${recordingKind(recording)} recording, not a cohort (import the cohort folder with cajal import)`);
    return body(project, projectPath, recordingId, params);
  });
}

async function pretrain(args: string[], flags: JepaFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  return withCohort(args, 'jepa pretrain', 'usage: cajal jepa pretrain <project.cajal> <cohort-id> --config tiny|small|base', cli, () => pretrainParams(flags, cli), async (project, projectPath, recordingId, params) => {
    const run = await project.runAndWait(JEPA_PRETRAIN_PIPELINE, recordingId, params);
    const model = project.store.models.ofRun(run.id)[0];
    const history = ((model?.meta.checkpoint as { history?: JepaEpochRecord[] } | undefined)?.history ?? []).map(({ epoch, trainLoss, validationLoss, effectiveRank, effectiveRankCentred, lr, momentum, msPerIteration }) => ({ epoch, trainLoss, validationLoss, effectiveRank, effectiveRankCentred, lr, momentum, msPerIteration }));
    const value = {
      project: projectPath,
      recordingId,
      runId: run.id,
      status: run.status,
      model: model ? { id: model.id, name: model.name, status: model.status } : null,
      history,
    };
    report(io, value, (v) => {
      if (v.history.length) {
        io.out(
          table(
            ['epoch', 'train loss', 'validation loss', 'rank', 'rank (centred)', 'lr', 'ema', 'ms/iteration'],
            v.history.map((h) => [h.epoch, h.trainLoss.toFixed(4), h.validationLoss === null ? '' : h.validationLoss.toFixed(4), h.effectiveRank === null ? '' : h.effectiveRank.toFixed(1), h.effectiveRankCentred === null ? '' : h.effectiveRankCentred.toFixed(1), h.lr.toExponential(2), h.momentum.toFixed(5), Math.round(h.msPerIteration)]),
          ),
        );
      }
      if (run.status !== 'succeeded') {
        io.out(model ? `run ${run.id} ${run.status}; its last checkpoint is model #${model.id} (incomplete): continue with --resume ${model.id}` : `run ${run.id} ${run.status}`);
      } else if (model) {
        io.out(`stored model #${model.id} in ${projectPath} (run ${run.id}, "${model.name}")`);
      }
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

/** The probe's params from the flags (its pipeline takes pretraining batches of two or more). */
export function probeParams(flags: JepaFlags, cli: Pick<CliContext, 'parseParams'>): Record<string, unknown> {
  const { params, set } = sharedParams(flags, cli, 2);
  set('folds', wholeNumber('--folds', flags.folds, 2));
  set('baselineKind', flags.baseline);
  if (flags.targets !== undefined) set('targets', flags.targets.split(',').map((s) => s.trim()).filter(Boolean));
  return params;
}

interface EvaluationValue {
  targets: JepaTargetReport[];
  folds: number;
  config: string;
  epochs: number;
  baselineKind: string;
  subjects: number;
}

async function probe(args: string[], flags: JepaFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  return withCohort(args, 'jepa probe', 'usage: cajal jepa probe <project.cajal> <cohort-id> [--config tiny|small|base] [--epochs N]', cli, () => probeParams(flags, cli), async (project, projectPath, recordingId, params) => {
    const run = await project.runAndWait(JEPA_PROBE_PIPELINE, recordingId, params);
    const evaluation = run.status === 'succeeded' ? (project.store.results.list(run.id).find((r) => r.key === 'evaluation')?.value as EvaluationValue | undefined) : undefined;
    const folds = run.status === 'succeeded' ? project.store.results.list(run.id).find((r) => r.key === 'folds')?.value : undefined;
    const value = { project: projectPath, recordingId, runId: run.id, status: run.status, evaluation: evaluation ?? null, folds: folds ?? null };
    report(io, value, (v) => {
      if (!v.evaluation) return io.out(`run ${run.id} ${run.status}`);
      const e = v.evaluation;
      io.out(`${e.config} encoder pretrained ${e.epochs} epoch${e.epochs === 1 ? '' : 's'} inside each fold; ${e.subjects} subjects, ${e.folds}-fold cross-validation stratified by site and target; baseline: ${e.baselineKind} connectivity`);
      for (const target of e.targets) {
        io.out(`\n${target.target} (${target.classes.join(' vs ')}):`);
        io.out(
          table(
            ['features', 'probe', 'accuracy', 'balanced acc.', 'AUROC', 'AUROC per fold'],
            target.methods.map((m) => [m.features, m.probe, meanSd(m.mean.accuracy, m.sd.accuracy), meanSd(m.mean.balancedAccuracy, m.sd.balancedAccuracy), meanSd(m.mean.auroc, m.sd.auroc), m.folds.map((f) => f.auroc.toFixed(3)).join(' ')]),
          ),
        );
      }
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

function existingFile(flag: string, path: string): string {
  const absolute = resolve(path);
  let isFile: boolean;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    throw new FileAccessError(absolute, `no such file (${flag})`);
  }
  if (!isFile) throw new FileAccessError(absolute, `not a file (${flag})`);
  return absolute;
}

function existingProject(projectArg: string): string {
  const projectPath = resolve(projectArg);
  if (!existsSync(projectPath)) throw new FileAccessError(projectPath, 'no such project file (create it with cajal init)');
  return projectPath;
}

async function importCheckpoint(args: string[], flags: JepaFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [projectArg, fileArg] = args;
  if (!projectArg || !fileArg) throw new ValidationError('jepa import', 'usage: cajal jepa import <project.cajal> <file.pth.tar|.safetensors> [--gradients <csv>] [--heads N] [--name NAME]');
  const projectPath = existingProject(projectArg);
  // Checked here so a typo is one line, not a failed run; the worker gets absolute paths.
  const params: Record<string, unknown> = { file: existingFile('<file>', fileArg) };
  if (flags.gradients !== undefined) params.gradientCsv = existingFile('--gradients', flags.gradients);
  const heads = wholeNumber('--heads', flags.heads, 1);
  if (heads !== undefined) params.heads = heads;
  if (flags.name !== undefined) params.name = flags.name;
  if (flags.backend !== undefined) params.backend = flags.backend;
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const run = await project.runAndWait(JEPA_IMPORT_PIPELINE, null, params);
    const model = project.store.models.ofRun(run.id)[0];
    const value = {
      project: projectPath,
      runId: run.id,
      status: run.status,
      error: run.error,
      model: model ? { id: model.id, name: model.name, architecture: model.meta.architecture, imported: model.meta.imported } : null,
    };
    report(io, value, (v) => {
      // A failed run has already said why on stderr (runAndWait).
      if (v.model) io.out(`stored model #${v.model.id} in ${projectPath} (run ${v.runId}, "${v.model.name}"); train from it with cajal jepa pretrain ${projectArg} <cohort-id> --resume ${v.model.id}`);
    });
    return run.status === 'succeeded' ? 0 : 1;
  });
}

function meanSd(mean: number, sd: number): string {
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
}

async function exportModel(args: string[], flags: JepaFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [projectArg, idArg, outArg] = args;
  if (!projectArg || !idArg || !outArg) throw new ValidationError('jepa export', 'usage: cajal jepa export <project.cajal> <model-id> <out.safetensors> [--overwrite]');
  const projectPath = existingProject(projectArg);
  const modelId = wholeNumber('<model-id>', idArg, 1)!;
  return cli.withProject(projectPath, { create: false }, (project) => {
    const store = project.store;
    const target: WriteTargetOptions = { overwrite: flags.overwrite ?? false, field: '<out.safetensors>', protectedPaths: protectedPaths(store) };
    checkWriteTarget(outArg, target); // refuse before reading the model
    const record = store.models.get(modelId);
    if (!record) throw new NotFoundError(`model ${modelId}`, `in ${projectPath}`);
    if (record.pipeline !== JEPA_MODEL_PIPELINE || record.format !== JEPA_BUNDLE_FORMAT) {
      throw new ValidationError('<model-id>', `model ${modelId} is a ${record.pipeline} model (${record.format}), not a Brain-JEPA model`);
    }
    const { tensors, metadata } = exportJepaSafetensors(record.weights, `model ${modelId}`, { name: record.name, source: `${projectPath} model ${modelId}${record.status === 'incomplete' ? ' (checkpoint of an unfinished run)' : ''}` });
    const path = writeFileAtomically(outArg, writeSafetensors(tensors, metadata), target);
    const value = { project: projectPath, modelId, path, tensors: tensors.size, config: JSON.parse(metadata.config!) as unknown };
    report(io, value, (v) => io.out(`wrote model #${modelId} to ${v.path} (${v.tensors} tensors: encoder, predictor, target_encoder in the reference layout, gradients)`));
    return 0;
  });
}

export async function jepa(args: string[], flags: JepaFlags, cli: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'pretrain':
      return pretrain(rest, flags, cli);
    case 'probe':
      return probe(rest, flags, cli);
    case 'import':
      return importCheckpoint(rest, flags, cli);
    case 'export':
      return exportModel(rest, flags, cli);
    default:
      throw new ValidationError('jepa', `unknown jepa command "${sub ?? ''}" (expected pretrain, probe, import or export)`);
  }
}

export const jepaCommand = defineCommand({
  verb: 'jepa',
  options: OPTIONS,
  run: jepa,
  usage: [
    {
      verb: 'jepa',
      sub: 'pretrain',
      synopsis: [
        'jepa pretrain <project.cajal> <cohort-id> --config tiny|small|base [--epochs N] [--batch-size N]',
        '[--seed N] [--crop FRAMES] [--subjects ID,ID,…] [--resume MODEL-ID] [--backend B] [--name NAME] [--param key=value]',
      ],
      description: ['Brain-JEPA self-supervised pretraining on a cohort as a run', 'that stores its model (checkpoint each epoch; Ctrl-C keeps it)'],
      json: true,
    },
    {
      verb: 'jepa',
      sub: 'probe',
      synopsis: [
        'jepa probe <project.cajal> <cohort-id> [--config tiny|small|base] [--epochs N] [--folds K]',
        '[--targets diagnosis,sex] [--baseline pearson|partial|tangent] [--seed N] [--backend B]',
      ],
      description: ['cross-validated probes of Brain-JEPA pretrained inside each fold, its random-init', 'twin and the connectivity baseline on the same folds'],
      json: true,
    },
    {
      verb: 'jepa',
      sub: 'import',
      synopsis: ['jepa import <project.cajal> <file.pth.tar|.safetensors> [--gradients <csv>] [--heads N] [--name NAME]'],
      description: ['A Brain-JEPA checkpoint of the official code (or safetensors)', 'as a model of the project (architecture from its shapes)'],
      json: true,
    },
    {
      verb: 'jepa',
      sub: 'export',
      synopsis: ['jepa export <project.cajal> <model-id> <out.safetensors> [--overwrite]'],
      description: ['A Brain-JEPA model as safetensors (reference keys, config as metadata)'],
      json: true,
    },
  ],
});
