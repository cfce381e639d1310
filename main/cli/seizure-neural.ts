/**
 * `cajal seizure train` and `cajal seizure eval`: the neural seizure detector from the command line.
 *
 * Training data: EDF/EDF+ files with their seizures, read from `<base>_events.tsv` beside the file
 * (SzCORE TSV or BIDS events) or from EDF+ annotations whose text starts with "seizure" or "sz".
 *
 *   seizureTrain(files, { out, project, name, … }, io)  trains on all files and writes the model as
 *     TF.js files into the `out` folder and/or into the project's models table;
 *   seizureEval(files, { model?, … }, io)  with `model` (a TF.js folder), scores that model on every
 *     file; without, evaluates leave-one-recording-out (train on the others, score the one left out).
 * Scores are SzCORE event-based (any overlap, 30 s / 60 s tolerance, 90 s merge, 300 s split).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendName } from '../../shared/api/index.js';
import { FileAccessError, ValidationError } from '../errors.js';
import { projectFilePaths, type ProtectedPath, type WriteTargetOptions } from '../io/write-target.js';
import {
  checkModelFolder,
  detectNeural,
  evaluateNeuralLoro,
  exportModel,
  importModel,
  isSeizureText,
  recordingSeizures,
  saveNeuralModel,
  tfFor,
  trainNeural,
  type NeuralTrainOptionsInput,
  type TrainingRecording,
  type TrainProgress,
} from '../pipelines/seizure/neural/index.js';
import { computeMetrics, scoreEvents, sumCounts, type ScoringCounts, type ScoringMetrics, type TimeEvent } from '../pipelines/seizure/scoring/index.js';
import { Store } from '../store/index.js';
import type { Output } from './commands.js';
import { table } from './format.js';

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
 * The project's recordings as training data: seizures annotated in the files (or beside them) plus
 * those marked in the project — accepted triage decisions and reviewers' "seizure…"/"sz…"
 * annotations (rejected decisions excluded), merged where they overlap.
 */
function projectTrainingRecordings(projectPath: string, io: Output): TrainingRecording[] {
  const store = Store.open(projectPath, { create: false });
  try {
    return store.recordings.list().map((recording) => {
      const fromFile = existsSync(recording.sourcePath) ? recordingSeizures(recording.sourcePath) : { seizures: [], source: 'missing source', warnings: [`${recording.sourcePath}: no such file`] };
      for (const warning of fromFile.warnings) io.err(`cajal: warning: ${warning}`);
      const marked: TimeEvent[] = store.annotations
        .current(recording.id)
        .filter((a) => (a.label.startsWith('seizure accepted') || isSeizureText(a.label)) && !a.label.startsWith('seizure rejected'))
        .map((a) => [a.onsetS, a.onsetS + a.durationS]);
      const seizures = mergeEvents([...fromFile.seizures, ...marked]);
      io.out(`#${recording.id} ${recording.sourcePath}: ${seizures.length} seizure${seizures.length === 1 ? '' : 's'} (${fromFile.source}${marked.length ? ` + ${marked.length} marked in the project` : ''})`);
      return { file: recording.sourcePath, seizures };
    });
  } finally {
    store.close();
  }
}

function mergeEvents(events: TimeEvent[]): TimeEvent[] {
  const sorted = [...events].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
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

export async function seizureTrain(files: readonly string[], options: SeizureTrainOptions, io: Output): Promise<number> {
  if (!options.out && !options.project) throw new ValidationError('out', 'say where the model goes: an output folder (--out) and/or a project (--project)');
  const projectPath = options.project ? resolve(options.project) : null;
  if (projectPath && !existsSync(projectPath)) throw new FileAccessError(projectPath, 'no such project file (create it with cajal init)');
  // No files: train on the project's own recordings and their seizure annotations.
  const recordings = files.length === 0 && projectPath ? projectTrainingRecordings(projectPath, io) : trainingRecordings(files, io);
  // The model folder is checked before training, so a refused --out costs no training time.
  const guarded: ProtectedPath[] = [...(projectPath ? projectFilePaths(projectPath) : []), ...recordings.map((r): ProtectedPath => ({ path: r.file, kind: 'input' }))];
  const out: WriteTargetOptions = { overwrite: options.overwrite ?? false, field: '--out', protectedPaths: guarded };
  if (options.out) checkModelFolder(options.out, out);
  if (!recordings.some((r) => r.seizures.length)) throw new ValidationError('seizures', 'none of the files has a seizure annotation ("seizure…"/"sz…" EDF+ annotations or a <name>_events.tsv beside the file)');
  const result = await trainNeural(recordings, trainOptions(options), reporter(io));
  io.out(
    `trained on ${result.backend}: best epoch ${result.bestEpoch} of ${result.history.length}; windows: ${result.windows.train.seizure} seizure / ${result.windows.train.background} background for training, ` +
      `${result.windows.validation.seizure} / ${result.windows.validation.background} held out`,
  );
  try {
    if (options.out) {
      const written = await exportModel(result.neural, options.out, out);
      io.out(`wrote ${written.join(', ')}`);
    }
    if (projectPath) {
      const store = Store.open(projectPath, { create: false });
      try {
        const id = await saveNeuralModel(store, result.neural, options.name ?? 'neural seizure detector');
        io.out(`stored model #${id} in ${projectPath}`);
      } finally {
        store.close();
      }
    }
  } finally {
    result.neural.model.dispose();
  }
  return 0;
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
