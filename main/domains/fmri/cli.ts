/**
 * `cajal fmri …`: the fMRI pipelines from the command line, on files or on a project's recordings.
 *
 *   fmri extract <bold.nii.gz> --atlas <atlas.nii> [--detrend] [--standardize] [--high-pass HZ] [--low-pass HZ] [--out series.csv]
 *   fmri connectivity <roi-file | project.cajal recording-id> [--kind pearson|partial|tangent|covariance] [--subject ID] [--out m.csv|m.npy]
 *   fmri classify <cohort-folder | project.cajal recording-id> [--target diagnosis|sex] [--kind tangent] [--folds 5]
 *
 * On files they compute at once and store nothing; on a project `classify` is a stored run (the
 * `fmri-classify` pipeline, with progress and Ctrl-C), `connectivity` reads the recording as the
 * Brain view does. Every file written goes through write-target (never over an input or a project).
 */
import { basename, extname } from 'node:path';
import type { ClassifierReport } from '../../../shared/api/index.js';
import { table } from '../../console/format.js';
import { report } from '../../console/output.js';
import { ValidationError } from '../../errors.js';
import { findAtlasLabels, readAtlasLabels } from '../../io/atlas/index.js';
import { openNifti } from '../../io/nifti/index.js';
import { loadCohortSeries, readCohort, readRoiSeries } from '../../io/roi-series/index.js';
import { checkWriteTarget, writeFileAtomically, type WriteTargetOptions } from '../../io/write-target.js';
import { CLASSIFY_SEED } from '../../pipelines/fmri/classify-pipeline.js';
import { classify, connectivity, connectivityFeatures, CONNECTIVITY_KINDS, extractRoiSeries, type ConnectivityKind } from '../../pipelines/fmri/index.js';
import { defineCommand, type CliContext, type ParsedFlags } from '../types.js';
import { matrixCsv, matrixNpy, matrixRows, seriesCsv } from './export.js';
import { FmriView } from './view.js';

const OPTIONS = {
  atlas: { type: 'string' },
  detrend: { type: 'boolean' },
  standardize: { type: 'boolean' },
  'high-pass': { type: 'string' },
  'low-pass': { type: 'string' },
  kind: { type: 'string' },
  subject: { type: 'string' },
  target: { type: 'string' },
  folds: { type: 'string' },
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
} as const;

type FmriFlags = ParsedFlags<typeof OPTIONS>;

function positiveNumber(flag: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  const parsed = Number(value);
  if (!value.trim() || !Number.isFinite(parsed) || parsed <= 0) throw new ValidationError(flag, `expected a positive number, got "${value}"`);
  return parsed;
}

function connectivityKind(value: string | undefined, fallback: ConnectivityKind): ConnectivityKind {
  if (value === undefined) return fallback;
  if (!(CONNECTIVITY_KINDS as readonly string[]).includes(value)) throw new ValidationError('--kind', `expected one of ${CONNECTIVITY_KINDS.join(', ')}, got "${value}"`);
  return value as ConnectivityKind;
}

/** `<project.cajal> <recording-id>` as opposed to a file or folder. */
function projectArgs(args: readonly string[]): { project: string; recordingId: number } | null {
  const [first, second] = args;
  if (!first || !/\.cajal$/i.test(first)) return null;
  const recordingId = Number(second);
  if (second === undefined || !Number.isInteger(recordingId) || recordingId < 1) throw new ValidationError('recording-id', `expected a recording id after ${first} (see cajal ls), got "${second ?? ''}"`);
  return { project: first, recordingId };
}

const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

// ---------------------------------------------------------------------------------------------

async function extract(args: string[], flags: FmriFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [file] = args;
  if (!file) throw new ValidationError('bold', 'missing <bold.nii.gz> (see cajal --help)');
  if (!flags.atlas) throw new ValidationError('--atlas', 'missing --atlas <atlas.nii> (a label atlas)');
  const options = {
    detrend: flags.detrend ?? false,
    standardize: flags.standardize ?? false,
    highPassHz: positiveNumber('--high-pass', flags['high-pass']),
    lowPassHz: positiveNumber('--low-pass', flags['low-pass']),
  };
  const out: WriteTargetOptions = { overwrite: flags.overwrite ?? false, field: '--out', protectedPaths: [file, flags.atlas].map((path) => ({ path, kind: 'input' as const })) };
  if (flags.out) checkWriteTarget(flags.out, out);
  const bold = await openNifti(file);
  try {
    const atlas = await openNifti(flags.atlas);
    try {
      const extracted = await extractRoiSeries(bold, atlas, options);
      const labelsFile = await findAtlasLabels(flags.atlas);
      const nameOf = new Map((labelsFile ? await readAtlasLabels(labelsFile) : []).map((l) => [l.index, l.name]));
      const names = extracted.labels.map((label) => nameOf.get(label) ?? `region ${label}`);
      if (flags.out) writeFileAtomically(flags.out, seriesCsv(names, extracted.timepoints, extracted.data), out);
      const T = extracted.timepoints;
      const value = {
        file,
        atlas: flags.atlas,
        labelsFile,
        options,
        regionCount: extracted.regionCount,
        timepoints: T,
        trS: extracted.trS,
        regions: { indices: extracted.labels, names },
        emptyLabels: extracted.emptyLabels,
        /** Region-major: one row per region. */
        series: Array.from({ length: extracted.regionCount }, (_, r) => Array.from(extracted.data.subarray(r * T, (r + 1) * T))),
        out: flags.out ?? null,
      };
      report(io, value, (v) => {
        io.out(`${basename(file)}: ${v.regionCount} regions × ${v.timepoints} volumes${v.trS ? `, TR ${v.trS} s` : ''} (atlas ${basename(flags.atlas!)}${labelsFile ? `, names from ${basename(labelsFile)}` : ''})`);
        const shown = Math.min(v.regionCount, 20);
        io.out(
          table(
            ['#', 'label', 'region', 'mean', 'sd'],
            Array.from({ length: shown }, (_, r) => {
              const row = extracted.data.subarray(r * T, (r + 1) * T);
              const mean = row.reduce((a, b) => a + b, 0) / T;
              const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, T - 1));
              return [r + 1, v.regions.indices[r]!, v.regions.names[r]!, fixed(mean), fixed(sd)];
            }),
          ),
        );
        if (shown < v.regionCount) io.out(`… ${v.regionCount - shown} more regions (--out writes them all)`);
      });
      if (extracted.emptyLabels.length) io.err(`cajal: warning: ${extracted.emptyLabels.length} atlas labels have no voxel in the BOLD grid: ${extracted.emptyLabels.slice(0, 20).join(', ')}`);
      if (flags.out) io.err(`wrote ${flags.out}`);
      return 0;
    } finally {
      await atlas.close();
    }
  } finally {
    await bold.close();
  }
}

// ---------------------------------------------------------------------------------------------

interface MatrixOutcome {
  source: string;
  recordingId: number | null;
  subject: string | null;
  kind: ConnectivityKind;
  regionNames: string[];
  matrix: Float64Array;
}

async function connectivityOf(args: string[], flags: FmriFlags, cli: CliContext, kind: ConnectivityKind): Promise<MatrixOutcome> {
  const inProject = projectArgs(args);
  if (inProject) {
    return cli.withProject(inProject.project, { create: false }, async (project) => {
      const view = new FmriView(project.store);
      try {
        const m = await view.connectivity(inProject.recordingId, flags.subject ?? null, kind);
        return { source: inProject.project, recordingId: inProject.recordingId, subject: m.subject, kind, regionNames: m.regionNames, matrix: m.matrix };
      } finally {
        view.close();
      }
    });
  }
  const [file] = args;
  if (!file) throw new ValidationError('roi-file', 'missing <roi-file> or <project.cajal> <recording-id> (see cajal --help)');
  if (kind === 'tangent') throw new ValidationError('--kind', 'tangent connectivity is relative to a group mean: use a cohort recording of a project (with --subject)');
  const series = await readRoiSeries(file);
  const matrix = connectivity([series], kind).matrices[0]!;
  return { source: file, recordingId: null, subject: null, kind, regionNames: series.regionNames ?? Array.from({ length: series.regionCount }, (_, r) => `ROI ${r + 1}`), matrix };
}

async function connectivityCommand(args: string[], flags: FmriFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const kind = connectivityKind(flags.kind, 'pearson');
  const out: WriteTargetOptions = { overwrite: flags.overwrite ?? false, field: '--out', protectedPaths: args.slice(0, 1).map((path) => ({ path, kind: 'input' as const })) };
  const npy = flags.out !== undefined && extname(flags.out).toLowerCase() === '.npy';
  if (flags.out) {
    if (!npy && extname(flags.out).toLowerCase() !== '.csv') throw new ValidationError('--out', `writes .csv or .npy, got "${flags.out}"`);
    checkWriteTarget(flags.out, out);
  }
  const m = await connectivityOf(args, flags, cli, kind);
  const n = m.regionNames.length;
  if (flags.out) writeFileAtomically(flags.out, npy ? matrixNpy(m.matrix, n) : matrixCsv(m.matrix, n), out);
  const value = { source: m.source, recordingId: m.recordingId, subject: m.subject, kind, regionCount: n, regionNames: m.regionNames, matrix: matrixRows(m.matrix, n), out: flags.out ?? null };
  report(io, value, (v) => {
    io.out(`${basename(v.source)}${v.recordingId !== null ? ` recording ${v.recordingId}` : ''}${v.subject ? ` subject ${v.subject}` : ''}: ${kind} connectivity, ${n} regions`);
    io.out(table(['', ...v.regionNames.map((_, j) => String(j + 1))], v.matrix.map((row, i) => [`${i + 1} ${v.regionNames[i]}`, ...row.map((x) => fixed(x))])));
  });
  if (flags.out) io.err(`wrote ${flags.out}`);
  return 0;
}

// ---------------------------------------------------------------------------------------------


async function classifyFolder(folder: string, target: string, kind: ConnectivityKind, folds: number): Promise<ClassifierReport> {
  const cohort = await readCohort(folder);
  if (!cohort.labelColumns.includes(target)) throw new ValidationError('--target', `the cohort has no label "${target}" (labels: ${cohort.labelColumns.join(', ')})`);
  const series = await loadCohortSeries(cohort);
  const keep = cohort.subjects.flatMap((s, i) => (s.labels[target] === null || s.labels[target] === undefined || s.labels[target] === '' ? [] : [i]));
  const sites = keep.every((i) => cohort.subjects[i]!.labels.site != null) ? keep.map((i) => String(cohort.subjects[i]!.labels.site)) : null;
  const result = connectivity(keep.map((i) => series[i]!), kind);
  const { features, featureCount } = connectivityFeatures(result);
  const report = classify(features, featureCount, keep.map((i) => String(cohort.subjects[i]!.labels[target])), sites, { folds, C: 1, seed: CLASSIFY_SEED, target });
  return { ...report, target };
}

async function classifyCommand(args: string[], flags: FmriFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const target = flags.target ?? 'diagnosis';
  const kind = connectivityKind(flags.kind, 'tangent');
  const folds = flags.folds === undefined ? 5 : Number(flags.folds);
  if (!Number.isInteger(folds) || folds < 2 || folds > 20) throw new ValidationError('--folds', `expected a whole number from 2 to 20, got "${flags.folds}"`);
  const inProject = projectArgs(args);
  let result: ClassifierReport;
  let runId: number | null = null;
  if (inProject) {
    const outcome = await cli.withProject(inProject.project, { create: false }, async (project) => {
      const run = await project.runAndWait('fmri-classify', inProject.recordingId, { target, kind, folds });
      if (run.status !== 'succeeded') return null;
      const stored = project.store.results.list(run.id).find((r) => r.key === 'report');
      return { runId: run.id, report: stored?.value as ClassifierReport };
    });
    if (!outcome) return 1;
    result = outcome.report;
    runId = outcome.runId;
  } else {
    const [folder] = args;
    if (!folder) throw new ValidationError('cohort', 'missing <cohort-folder> or <project.cajal> <recording-id> (see cajal --help)');
    result = await classifyFolder(folder, target, kind, folds);
  }
  report(io, { source: args[0]!, recordingId: inProject?.recordingId ?? null, runId, kind, ...result }, (v) => {
    io.out(`${basename(v.source)}: ${v.subjectCount} subjects, ${v.target} (${v.classes.join(' / ')}), ${kind} connectivity, ${v.featureCount} features${runId !== null ? `, run ${runId}` : ''}`);
    io.out(
      table(
        ['fold', 'train', 'test', 'accuracy', 'balanced accuracy', 'AUROC'],
        [
          ...v.folds.map((f) => [f.fold, f.trainCount, f.testCount, fixed(f.accuracy), fixed(f.balancedAccuracy), fixed(f.auroc)]),
          ['mean', '', '', fixed(v.mean.accuracy), fixed(v.mean.balancedAccuracy), fixed(v.mean.auroc)],
        ],
      ),
    );
  });
  return 0;
}

// ---------------------------------------------------------------------------------------------

export async function fmri(args: string[], flags: FmriFlags, cli: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'extract':
      return extract(rest, flags, cli);
    case 'connectivity':
      return connectivityCommand(rest, flags, cli);
    case 'classify':
      return classifyCommand(rest, flags, cli);
    default:
      throw new ValidationError('fmri', `unknown fmri command "${sub ?? ''}" (expected extract, connectivity or classify)`);
  }
}

export const fmriCommand = defineCommand({
  verb: 'fmri',
  options: OPTIONS,
  run: fmri,
  usage: [
    {
      verb: 'fmri',
      sub: 'extract',
      synopsis: ['fmri extract <bold.nii.gz> --atlas <atlas.nii> [--detrend] [--standardize] [--high-pass HZ] [--low-pass HZ] [--out series.csv] [--overwrite]'],
      description: ['mean BOLD signal per atlas region (nilearn NiftiLabelsMasker);', '--out writes time × region CSV'],
      json: true,
    },
    {
      verb: 'fmri',
      sub: 'connectivity',
      synopsis: ['fmri connectivity <roi-file | project.cajal recording-id> [--subject ID] [--kind pearson|partial|tangent|covariance] [--out m.csv|m.npy] [--overwrite]'],
      description: ['print the connectivity matrix of an ROI series (a cohort', "recording's subject with --subject; tangent needs a cohort)"],
      json: true,
    },
    {
      verb: 'fmri',
      sub: 'classify',
      synopsis: ['fmri classify <cohort-folder | project.cajal recording-id> [--target diagnosis|sex] [--kind tangent] [--folds 5]'],
      description: ['logistic regression on connectivity features with', 'site-stratified k-fold cross-validation; per-fold table and mean'],
      json: true,
    },
  ],
});
