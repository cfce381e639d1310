/**
 * `cajal seizure train` and `cajal seizure eval`: the neural seizure detector from the command line.
 *
 * Training data: EDF/EDF+ files with their seizures, read from `<base>_events.tsv` beside the file
 * (SzCORE TSV or BIDS events) or from EDF+ annotations whose text starts with "seizure" or "sz";
 * for the per-channel detector (`input: 'per-channel'`) also folders of labelled segments (Bonn,
 * New Delhi or a labels.csv folder: main/io/segments), given as folders among the files or with
 * `segments`. Segments imply per-channel input.
 *
 *   seizureTrain(files, { project, out, name, … }, io)  with a project: imports the files (or takes all
 *     the project's recordings), trains as a `seizure-neural-train` run of the job runner (progress on
 *     stderr, Ctrl-C cancels and keeps the last epoch's checkpoint, `resume` continues from one), the
 *     model stored with the run; `out` also exports it as TF.js files. Without a project: trains in
 *     this process and writes the TF.js files into `out` only (no run, nothing stored);
 *   seizureEval(files, { model?, … }, io)  with `model` (a TF.js folder), scores that model on every
 *     file; without, evaluates leave-one-recording-out (train on the others, score the one left out).
 * Scores are SzCORE event-based (any overlap, 30 s / 60 s tolerance, 90 s merge, 300 s split).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { BackendName } from '../../../shared/api/index.js';
import { FileAccessError, ValidationError } from '../../errors.js';
import { projectFilePaths, type ProtectedPath, type WriteTargetOptions } from '../../io/write-target.js';
import {
  checkModelFolder,
  detectNeural,
  evaluateNeuralLoro,
  exportModel,
  importModel,
  isSeizureText,
  loadNeuralModel,
  recordingSeizures,
  tfFor,
  trainNeural,
  segmentFeatures,
  trainingFeatures,
  trainOnFeatures,
  type NeuralTrainOptionsInput,
  type RecordingFeatures,
  type TrainingRecording,
  type TrainProgress,
} from '../../pipelines/seizure/neural/index.js';
import { computeMetrics, scoreEvents, sumCounts, type ScoringCounts, type ScoringMetrics, type TimeEvent } from '../../pipelines/seizure/scoring/index.js';
import { readSegmentFolder } from '../../io/segments/index.js';
import { Store } from '../../store/index.js';
import type { Output } from '../../console/output.js';
import type { CliContext } from '../types.js';
import { table } from '../../console/format.js';
import { isJson, report } from '../../console/output.js';

export interface SeizureNeuralCommonOptions {
  seed?: number;
  maxEpochs?: number;
  backend?: BackendName;
  /** Refuse recordings without all 19 SzCORE channels. */
  requireAllChannels?: boolean;
}

export interface SeizureTrainOptions extends SeizureNeuralCommonOptions {
  /** Folder to write the TF.js files into (model.json + weights). */
  out?: string;
  /** The files in `out` may replace an existing model. */
  overwrite?: boolean;
  /** Project file whose models table receives the model. */
  project?: string;
  /** Name of the model in the project (default: neural seizure detector). */
  name?: string;
  /** A checkpoint (or model) in the project to continue training from (project only). */
  resume?: number;
  /** Folders of labelled segments to train on (per-channel input). */
  segments?: string[];
  /** The model's input; per-channel when segments are given, else standard. */
  input?: 'standard' | 'per-channel';
  /** Labelled-segment datasets of the project (id or name; `cajal seizure segments import`). */
  datasets?: string[];
}

/** Splits the command's paths into EDF files and folders of segments (a folder among the files is one). */
function trainingSources(paths: readonly string[], options: SeizureTrainOptions): { files: string[]; segments: string[]; input: 'standard' | 'per-channel' } {
  const files: string[] = [];
  const segments = (options.segments ?? []).map((f) => resolve(f));
  for (const path of paths) {
    const full = resolve(path);
    if (!existsSync(full)) throw new FileAccessError(full, 'no such file');
    if (statSync(full).isDirectory()) segments.push(full);
    else files.push(path);
  }
  for (const folder of segments) if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new FileAccessError(folder, 'is not a folder of labelled segments');
  const input = options.input ?? (segments.length ? 'per-channel' : 'standard');
  if (segments.length && input !== 'per-channel') throw new ValidationError('--input', 'labelled segments train the per-channel detector (--input per-channel)');
  return { files, segments, input };
}

/** Each folder's segments as training features, a collection per folder; says what it read. */
function segmentFolderFeatures(folders: readonly string[], io: Output): RecordingFeatures[] {
  return folders.flatMap((folder) => {
    const collection = readSegmentFolder(folder);
    const counts = collection.labels.map((label) => `${collection.segments.filter((s) => s.label === label).length} ${label}`).join(', ');
    io.out(`${collection.source} (${collection.format}): ${collection.segments.length} segments: ${counts}`);
    return collection.segments.map((segment) => segmentFeatures(segment, basename(collection.source)));
  });
}

export interface SeizureEvalOptions extends SeizureNeuralCommonOptions {
  /** A TF.js model folder (or its model.json) to score instead of leave-one-recording-out. */
  model?: string;
}

function trainingRecordings(files: readonly string[], io: Output): TrainingRecording[] {
  if (files.length === 0) throw new ValidationError('files', 'name at least one EDF file with seizure annotations');
  return files.map((f) => {
    const file = resolve(f);
    if (!existsSync(file)) throw new FileAccessError(file, 'no such file');
    const { seizures, source, warnings } = recordingSeizures(file);
    for (const warning of warnings) io.err(`cajal: warning: ${warning}`);
    io.out(`${file}: ${seizures.length} seizure${seizures.length === 1 ? '' : 's'} (${source})`);
    return { file, seizures };
  });
}

/**
 * Seizures marked in the project for each recording, beyond those annotated in or beside its file:
 * accepted triage decisions and reviewers' "seizure…"/"sz…" annotations (rejected decisions
 * excluded). The training run merges them with the file's own.
 */
function markedSeizures(store: Store, recordingIds: readonly number[]): Record<string, TimeEvent[]> {
  const marked: Record<string, TimeEvent[]> = {};
  for (const id of recordingIds) {
    const events = store.annotations
      .current(id)
      .filter((a) => (a.label.startsWith('seizure accepted') || isSeizureText(a.label)) && !a.label.startsWith('seizure rejected'))
      .map((a): TimeEvent => [a.onsetS, a.onsetS + a.durationS]);
    if (events.length) marked[String(id)] = events;
  }
  return marked;
}

function trainOptions(options: SeizureNeuralCommonOptions): NeuralTrainOptionsInput {
  return {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.maxEpochs !== undefined ? { maxEpochs: options.maxEpochs } : {}),
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.requireAllChannels !== undefined ? { requireAllChannels: options.requireAllChannels } : {}),
  };
}

function reporter(io: Output, prefix = ''): (p: TrainProgress) => void {
  return (p) => {
    if (p.phase === 'training') {
      io.out(`${prefix}epoch ${p.epoch}/${p.maxEpochs}: training loss ${p.trainLoss.toFixed(4)}, validation loss ${p.validationLoss.toFixed(4)}${p.best ? ' (best)' : ''}`);
    } else if (p.doneS === p.totalS) {
      io.out(`${prefix}features ${p.recording}/${p.recordings}: ${p.file} (${p.totalS} s)`);
    }
  };
}

const metric = (x: number, digits = 2) => (Number.isNaN(x) ? 'n/a' : x.toFixed(digits));

function scoreRows(rows: { file: string; durationS: number; seizures: readonly TimeEvent[]; detected: number; score: ScoringCounts & ScoringMetrics }[], io: Output): void {
  const total = sumCounts(rows.map((r) => r.score));
  const totalMetrics = computeMetrics(total);
  // `cajal seizure eval --json`: the same numbers as the table (NaN metrics become null).
  const value = {
    recordings: rows.map((r) => ({ file: r.file, durationS: r.durationS, seizures: r.score.refTrue, events: r.detected, score: r.score })),
    total: { seizures: total.refTrue, events: rows.reduce((n, r) => n + r.detected, 0), score: { ...total, ...totalMetrics } },
  };
  if (isJson(io)) {
    report(io, value, () => {});
    return;
  }
  const line = (name: string, seizures: number, detected: number | string, s: ScoringCounts & ScoringMetrics) => [
    name,
    seizures,
    detected,
    s.tp,
    s.fp,
    metric(s.sensitivity),
    metric(s.precision),
    metric(s.f1),
    metric(s.fpRate, 1),
  ];
  io.out(
    table(
      ['recording', 'seizures', 'events', 'TP', 'FP', 'sensitivity', 'precision', 'F1', 'FP/24h'],
      [
        ...rows.map((r) => line(r.file, r.score.refTrue, r.detected, r.score)),
        line('total', total.refTrue, rows.reduce((n, r) => n + r.detected, 0), { ...total, ...totalMetrics }),
      ],
    ),
  );
  io.out('SzCORE event scoring: any overlap, 30 s before / 60 s after tolerance, events < 90 s apart merged, > 300 s split');
}

export async function seizureTrain(paths: readonly string[], options: SeizureTrainOptions, cli: CliContext): Promise<number> {
  const { io } = cli;
  if (!options.out && !options.project) throw new ValidationError('out', 'say where the model goes: a project (--project, where it is stored with its training run) and/or an output folder (--out)');
  const { files, segments, input: given } = trainingSources(paths, options);
  const input = options.datasets?.length && !options.input ? 'per-channel' : given;
  if (options.datasets?.length && input !== 'per-channel') throw new ValidationError('--input', 'segment datasets train the per-channel detector (--input per-channel)');
  if (options.datasets?.length && !options.project) throw new ValidationError('--segment-dataset', 'a stored segment dataset is read from its project (--project)');
  if (options.project) return seizureTrainRun(files, { ...options, segments, input, project: options.project }, cli);
  if (options.resume !== undefined) throw new ValidationError('--resume', 'resuming needs the project that holds the checkpoint (--project)');
  const recordings = files.length || !segments.length ? trainingRecordings(files, io) : [];
  // The model folder is checked before training, so a refused --out costs no training time.
  const out: WriteTargetOptions = {
    overwrite: options.overwrite ?? false,
    field: '--out',
    protectedPaths: [...recordings.map((r): ProtectedPath => ({ path: r.file, kind: 'input' })), ...segments.map((f): ProtectedPath => ({ path: f, kind: 'input' }))],
  };
  checkModelFolder(options.out!, out);
  const fromSegments = segmentFolderFeatures(segments, io);
  if (!recordings.some((r) => r.seizures.length) && !fromSegments.some((f) => f.seizures.length)) {
    throw new ValidationError('seizures', 'none of the files has a seizure annotation ("seizure…"/"sz…" EDF+ annotations or a <name>_events.tsv beside the file) and no segment is labelled "ictal"');
  }
  const trainingOptions = { ...trainOptions(options), input };
  const result = segments.length
    ? await trainOnFeatures([...trainingFeatures(recordings, { requireAllChannels: false, input }, reporter(io)).map((f) => ({ ...f, collection: 'recordings' })), ...fromSegments], trainingOptions, reporter(io))
    : await trainNeural(recordings, trainingOptions, reporter(io));
  // In --json mode these lines go to stderr and the value below is the result.
  io.out(
    `trained on ${result.backend}: best epoch ${result.bestEpoch} of ${result.history.length}; windows: ${result.windows.train.seizure} seizure / ${result.windows.train.background} background for training, ` +
      `${result.windows.validation.seizure} / ${result.windows.validation.background} held out`,
  );
  try {
    const written = await exportModel(result.neural, options.out!, out);
    io.out(`wrote ${written.join(', ')}`);
    report(io, { backend: result.backend, bestEpoch: result.bestEpoch, epochs: result.history.length, windows: result.windows, history: result.history, out: written }, () => {});
  } finally {
    result.neural.model.dispose();
  }
  return 0;
}

/**
 * Training as a project run: the files are imported (an already imported file is reused), or with
 * no files all the project's recordings are used; the run's model is exported to `out` afterwards.
 */
async function seizureTrainRun(files: readonly string[], options: SeizureTrainOptions & { project: string; segments: string[]; input: 'standard' | 'per-channel' }, cli: CliContext): Promise<number> {
  const { io } = cli;
  const projectPath = resolve(options.project);
  if (!existsSync(projectPath)) throw new FileAccessError(projectPath, 'no such project file (create it with cajal init)');
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const segmentDatasetIds = (options.datasets ?? []).map((ref) => {
      const id = /^\d+$/.test(ref) ? Number(ref) : project.store.segments.idOfName(ref);
      if (id === undefined || !project.store.segments.summaryOf(id)) throw new ValidationError('--segment-dataset', `no segment dataset "${ref}" in ${projectPath} (see cajal seizure segments list)`);
      return id;
    });
    const fromSegments = options.segments.length > 0 || segmentDatasetIds.length > 0;
    // With segments and no files, the segments alone (not every recording of the project).
    let recordings = files.length || !fromSegments ? project.store.recordings.list() : [];
    if (files.length) {
      for (const file of files) if (!existsSync(resolve(file))) throw new FileAccessError(resolve(file), 'no such file');
      const { imported, errors } = await project.importRecordings(files, { detailedFileErrors: true });
      if (errors.length) throw new ValidationError('files', errors.map((e) => e.message).join('; '));
      recordings = imported;
    }
    if (!recordings.length && !fromSegments) throw new ValidationError('files', 'name at least one EDF file with seizure annotations (the project has no recordings)');
    // The model folder is checked before training, so a refused --out costs no training time.
    const guarded: ProtectedPath[] = [
      ...projectFilePaths(projectPath),
      ...recordings.map((r): ProtectedPath => ({ path: r.sourcePath, kind: 'input' })),
      ...options.segments.map((f): ProtectedPath => ({ path: f, kind: 'input' })),
    ];
    const out: WriteTargetOptions = { overwrite: options.overwrite ?? false, field: '--out', protectedPaths: guarded };
    if (options.out) checkModelFolder(options.out, out);
    const recordingIds = recordings.map((r) => r.id);
    const params: Record<string, unknown> = {
      ...trainOptions(options),
      input: options.input,
      recordingIds,
      ...(options.segments.length ? { segmentFolders: options.segments } : {}),
      ...(segmentDatasetIds.length ? { segmentDatasetIds } : {}),
      markedSeizures: markedSeizures(project.store, recordingIds),
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.resume !== undefined ? { resumeFromModelId: options.resume } : {}),
    };
    const run = await project.runAndWait('seizure-neural-train', null, params);
    const model = project.store.models.ofRun(run.id)[0];
    // `--json`: the run, its model (the last checkpoint when it did not finish) and what --out wrote.
    const result = (out: string[] | null) => ({
      project: projectPath,
      runId: run.id,
      status: run.status,
      model: model ? { id: model.id, name: model.name, status: model.status } : null,
      out,
    });
    if (run.status !== 'succeeded') {
      if (model) io.out(`run ${run.id} ${run.status}; its last checkpoint is model #${model.id} (incomplete): continue with --resume ${model.id}`);
      else io.out(`run ${run.id} ${run.status}`);
      report(io, result(null), () => {});
      return 1;
    }
    if (!model) throw new Error(`run ${run.id} succeeded but stored no model`);
    io.out(`stored model #${model.id} in ${projectPath} (run ${run.id}, "${model.name}")`);
    let written: string[] | null = null;
    if (options.out) {
      const neural = await loadNeuralModel(await tfFor(options.backend), project.store, model.id);
      try {
        written = await exportModel(neural, options.out, out);
        io.out(`wrote ${written.join(', ')}`);
      } finally {
        neural.model.dispose();
      }
    }
    report(io, result(written), () => {});
    return 0;
  });
}

export async function seizureEval(files: readonly string[], options: SeizureEvalOptions, io: Output): Promise<number> {
  const recordings = trainingRecordings(files, io);
  if (options.model) {
    const tf = await tfFor(options.backend);
    const neural = await importModel(tf, options.model);
    try {
      const rows = recordings.map((r) => {
        const output = detectNeural(r.file, neural, { requireAllChannels: options.requireAllChannels ?? false });
        const hypothesis = output.events.map((e): TimeEvent => [e.onsetS, e.onsetS + e.durationS]);
        const durationS = output.probabilities.length;
        return { file: r.file, durationS, seizures: r.seizures, detected: output.events.length, score: scoreEvents(r.seizures, hypothesis, durationS) };
      });
      scoreRows(rows, io);
    } finally {
      neural.model.dispose();
    }
    return 0;
  }
  if (recordings.length < 2) throw new ValidationError('files', 'leave-one-recording-out evaluation needs at least two recordings (or give a trained model)');
  const result = await evaluateNeuralLoro(recordings, trainOptions(options), (p) => {
    if (p.phase === 'training' && p.best === false) return;
    if (p.phase === 'training') io.out(`fold ${p.fold}/${p.folds}: epoch ${p.epoch}, validation loss ${p.validationLoss.toFixed(4)}`);
    else if (p.doneS === p.totalS) io.out(`features ${p.recording}/${p.recordings}: ${p.file}`);
  });
  scoreRows(
    result.recordings.map((r) => ({ file: r.file, durationS: r.durationS, seizures: r.seizures, detected: r.events.length, score: r.score })),
    io,
  );
  return 0;
}
