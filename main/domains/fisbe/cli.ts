/**
 * `cajal fisbe eval --gt GT --pred PRED [--partly] [--project P] [--out metrics.toml]`: scores a
 * predicted instance segmentation against FISBe ground truth as a project run and prints the metric
 * table. With a folder of predictions (`*.hdf` or `*.zarr`, as the official evaluator takes them),
 * every sample is scored against `<gt folder>/<sample>.zarr` and the dataset is aggregated as the
 * benchmark does: complete and partly labelled sets (from --split-file) and the combined S.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'smol-toml';
import type { FisbeMetrics } from '../../../shared/api/index.js';
import { FileAccessError, ValidationError } from '../../errors.js';
import { checkWriteTarget, projectFilePaths, writeFileAtomically, type WriteTargetOptions } from '../../io/write-target.js';
import { parsePartlySamples, scoreDataset, type SetScore } from '../../pipelines/fisbe/aggregate.js';
import { FISBE_RESULT } from '../../pipelines/fisbe/index.js';
import { formatMetricsTable, toEvaluatorTables } from '../../pipelines/fisbe/report.js';
import { table } from '../../console/format.js';
import { report, type Output } from '../../console/output.js';
import { defineCommand, type CliContext, type ProjectSession } from '../types.js';

export interface FisbeFlags {
  gt?: string;
  pred?: string;
  partly?: boolean;
  project?: string;
  out?: string;
  'gt-dataset'?: string;
  'pred-dataset'?: string;
  'split-file'?: string;
  /** --out may replace an existing file. */
  overwrite?: boolean;
}

const DEFAULT_PROJECT = 'fisbe.cajal';

export async function fisbe(args: string[], flags: FisbeFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [sub] = args;
  if (sub !== 'eval') throw new ValidationError('fisbe', `unknown fisbe command "${sub ?? ''}" (expected eval)`);
  if (!flags.gt) throw new ValidationError('--gt', 'missing --gt (a ground-truth zarr / HDF5 / TIFF, or a folder of them)');
  if (!flags.pred) throw new ValidationError('--pred', 'missing --pred (a predicted label volume, or a folder of them)');
  const gt = resolve(flags.gt);
  const pred = resolve(flags.pred);
  if (!existsSync(pred)) throw new FileAccessError(pred, 'no such file or folder');
  if (!existsSync(gt)) throw new FileAccessError(gt, 'no such file or folder');
  const projectPath = resolve(flags.project ?? DEFAULT_PROJECT);
  // --out is checked before the evaluation, so a refused path costs nothing: never the project, the
  // inputs, or an existing file without --overwrite.
  const out: WriteTargetOptions = {
    overwrite: flags.overwrite ?? false,
    field: '--out',
    protectedPaths: [...projectFilePaths(projectPath), { path: gt, kind: 'input' }, { path: pred, kind: 'input' }],
  };
  if (flags.out) checkWriteTarget(flags.out, out);
  return cli.withProject(projectPath, { create: true }, (project) => {
    const folderMode = statSync(pred).isDirectory() && !pred.endsWith('.zarr');
    return folderMode ? evaluateFolder(project, gt, pred, flags, out, io) : evaluateOne(project, gt, pred, flags.partly ?? false, flags, out, io);
  });
}

function params(gt: string, pred: string, partly: boolean, flags: FisbeFlags): Record<string, unknown> {
  return {
    gtPath: gt,
    predPath: pred,
    partly,
    ...(flags['gt-dataset'] ? { gtDataset: flags['gt-dataset'] } : {}),
    ...(flags['pred-dataset'] ? { predDataset: flags['pred-dataset'] } : {}),
  };
}

/** Runs one evaluation; returns its metrics, or null when the run failed (the error is printed). */
async function runOne(project: ProjectSession, gt: string, pred: string, partly: boolean, flags: FisbeFlags) {
  const run = await project.runAndWait('fisbe-eval', null, params(gt, pred, partly, flags));
  if (run.status !== 'succeeded') return null;
  const stored = project.store.results.list(run.id).find((result) => result.key === FISBE_RESULT.metrics);
  return { runId: run.id, metrics: (stored!.value as { metrics: FisbeMetrics }).metrics };
}

async function evaluateOne(project: ProjectSession, gt: string, pred: string, partly: boolean, flags: FisbeFlags, out: WriteTargetOptions, io: Output): Promise<number> {
  const result = await runOne(project, gt, pred, partly, flags);
  if (!result) return 1;
  const written = flags.out ? writeFileAtomically(flags.out, stringify(toEvaluatorTables(result.metrics)), out) : null;
  const value = { project: project.projectPath, runId: result.runId, partly, metrics: result.metrics, out: written };
  report(io, value, (v) => {
    io.out(`FISBe metrics of run ${v.runId} (${v.partly ? 'partly' : 'completely'} labelled ground truth), stored in ${v.project}`);
    io.out(formatMetricsTable(v.metrics));
  });
  if (written) io.out(`wrote ${written} (the official evaluator's TOML layout)`);
  return 0;
}

/** Sample name as the evaluator derives it: the file name up to its first dot. */
function sampleName(file: string): string {
  return basename(file).split('.')[0]!;
}

async function evaluateFolder(project: ProjectSession, gtFolder: string, predFolder: string, flags: FisbeFlags, out: WriteTargetOptions, io: Output): Promise<number> {
  const entries = readdirSync(predFolder).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const hdf = entries.filter((name) => name.endsWith('.hdf'));
  const predictions = (hdf.length ? hdf : entries.filter((name) => name.endsWith('.zarr'))).map((name) => join(predFolder, name));
  if (predictions.length === 0) throw new ValidationError('--pred', `${predFolder} holds no *.hdf or *.zarr predictions`);
  const partlySet = flags['split-file'] ? parsePartlySamples(readFileSync(resolve(flags['split-file']), 'utf8')) : null;

  const scored: { sample: string; runId: number; metrics: FisbeMetrics; partly: boolean }[] = [];
  let failed = 0;
  for (const pred of predictions) {
    const sample = sampleName(pred);
    const gt = join(gtFolder, `${sample}.zarr`);
    const partly = partlySet ? partlySet.has(sample) : (flags.partly ?? false);
    const result = await runOne(project, gt, pred, partly, flags);
    if (!result) {
      failed++;
      continue;
    }
    scored.push({ sample, runId: result.runId, metrics: result.metrics, partly });
  }
  const dataset = scored.length ? scoreDataset(scored) : null;
  const written = flags.out && dataset ? writeFileAtomically(flags.out, `${JSON.stringify({ samples: scored.map(({ runId: _, ...sample }) => sample), dataset }, null, 2)}\n`, out) : null;
  report(io, { project: project.projectPath, samples: scored, failed, dataset, out: written }, (v) => folderLines(v.samples, v.dataset, io));
  if (written) io.out(`wrote ${written}`);
  return scored.length === 0 || failed > 0 ? 1 : 0;
}

function folderLines(scored: { sample: string; metrics: FisbeMetrics; partly: boolean }[], dataset: ReturnType<typeof scoreDataset> | null, io: Output): void {
  io.out(
    table(
      ['sample', 'set', 'S', 'avF1', 'C', 'GT', 'pred', 'TP 0.5', 'FS', 'FM'],
      scored.map(({ sample, metrics, partly }) => [
        sample,
        partly ? 'partly' : 'complete',
        metrics.avgF1CovScore.toFixed(4),
        metrics.avFscore19.toFixed(4),
        metrics.avgGtSkelCoverage.toFixed(4),
        String(metrics.numGt),
        String(metrics.numPred),
        String(metrics.tp05),
        String(metrics.falseSplits),
        String(metrics.falseMerges),
      ]),
    ),
  );
  if (!dataset) return;
  const line = (name: string, set: SetScore) =>
    `${name.padEnd(9)} S ${set.score.toFixed(4)}  avF1 ${set.avFscore.toFixed(4)}  C ${set.avgGtSkelCoverage.toFixed(4)}  (${set.samples} samples, ${set.numGt} GT instances, TP ${set.tp05} FP ${set.fp05} FN ${set.fn05} at 0.5)`;
  io.out('dataset (aggregated over instances, as the benchmark):');
  if (dataset.complete) io.out(line('complete', dataset.complete));
  if (dataset.partly) io.out(line('partly', dataset.partly));
  io.out(line('combined', dataset.combined));
}

export const fisbeCommand = defineCommand({
  verb: 'fisbe',
  options: {
    gt: { type: 'string' },
    pred: { type: 'string' },
    partly: { type: 'boolean' },
    project: { type: 'string' },
    out: { type: 'string' },
    overwrite: { type: 'boolean' },
    'gt-dataset': { type: 'string' },
    'pred-dataset': { type: 'string' },
    'split-file': { type: 'string' },
  },
  run: fisbe,
  usage: [
    {
      verb: 'fisbe',
      sub: 'eval',
      synopsis: [
        'fisbe eval --gt GT --pred PRED [--partly] [--project P] [--out metrics.toml] [--overwrite]',
        '           [--gt-dataset D] [--pred-dataset D] [--split-file sample_list_per_split.txt]',
      ],
      description: [
        "FISBe instance-segmentation metrics (official evaluator's",
        'flylight preset), stored as a run (default project',
        './fisbe.cajal); PRED a folder: every sample, aggregated',
      ],
      json: true,
    },
  ],
});
