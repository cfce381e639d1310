/**
 * Writing a surrogate where the user chose: an EDF+ file (one µV channel at the collection's rate,
 * `seizure` annotations), the SzCORE events TSV beside it (the scorer's reference format) and a
 * JSON file with what was placed where (pieces and joins), for whoever reviews it.
 *
 * Every path is checked by io/write-target first (never a project file, never inside the segment
 * folders the surrogate was made from, an existing file only with `overwrite`); every file is
 * written through a temporary file renamed into place.
 */
import { basename, join } from 'node:path';
import { ValidationError } from '../../../errors.js';
import type { EdfToWrite } from '../../../io/edf/write.js';
import { writeEdfFile } from '../../../io/edf/write.js';
import { checkWriteTarget, writeFileAtomically, type WriteTargetOptions } from '../../../io/write-target.js';
import { annotationsFromEvents, writeSzcoreTsv } from '../scoring/tsv.js';
import { edfRecordLayout } from './record-layout.js';
import type { SurrogateRecording } from './types.js';

/** The annotation text of a seizure in the EDF+ file. */
export const SURROGATE_SEIZURE_TEXT = 'seizure';
/** Label of the surrogate's one channel. */
export const SURROGATE_CHANNEL = 'EEG surrogate';
/** The recording starts at this local time (EDF needs one; the surrogate has none). */
export const SURROGATE_START = '2000-01-01T00:00:00';

export interface SurrogateEdfOptions {
  /** Channel label (16 characters at most). Default 'EEG surrogate'. */
  label?: string;
  /** Put in the EDF+ recording field, e.g. 'bonn_seed1'. */
  name?: string;
}

/** Physical range: the peak |value|, rounded up to 10 µV, so 16 bits resolve it to ~0.03 % of full scale. */
function physicalLimit(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
  return Math.max(10, Math.ceil(peak / 10) * 10);
}

/** The EDF+C description of a surrogate (whole records of its rate; see record-layout.ts). */
export function surrogateEdf(recording: SurrogateRecording, options: SurrogateEdfOptions = {}): EdfToWrite {
  const layout = edfRecordLayout(recording.rateHz);
  const { samples } = recording;
  if (samples.length % layout.samplesPerRecord !== 0) {
    throw new ValidationError(
      'recording',
      `${samples.length} samples are not a whole number of ${layout.samplesPerRecord}-sample EDF records at ${recording.rateHz} Hz (build it with the default lengthQuantumSamples)`,
    );
  }
  const limit = physicalLimit(samples);
  const name = (options.name ?? 'surrogate').replace(/\s+/g, '_');
  return {
    variant: 'edf+C',
    patient: 'X X X Surrogate',
    recording: `Startdate 01-JAN-2000 X X Cajal_surrogate_${name}`.slice(0, 80),
    startDateTime: SURROGATE_START,
    dataRecordDurationS: layout.recordDurationS,
    recordCount: samples.length / layout.samplesPerRecord,
    signals: [
      {
        label: options.label ?? SURROGATE_CHANNEL,
        physicalDimension: 'uV',
        physicalMin: -limit,
        physicalMax: limit,
        samplesPerRecord: layout.samplesPerRecord,
        values: samples,
        prefiltering: 'as the source segments',
        transducer: 'concatenated labelled segments',
      },
    ],
    annotations: recording.seizures.map((s) => ({ onsetS: s.onsetS, durationS: s.offsetS - s.onsetS, text: SURROGATE_SEIZURE_TEXT })),
  };
}

/** Writes the surrogate as EDF+ to `path` (checked first); returns the absolute path written. */
export function writeSurrogateEdf(path: string, recording: SurrogateRecording, options: SurrogateEdfOptions & WriteTargetOptions = {}): string {
  const target = checkWriteTarget(path, options).path;
  writeEdfFile(target, surrogateEdf(recording, options));
  return target;
}

/** The surrogate's seizures as SzCORE annotation rows (a `bckg` row if it has none). */
export function surrogateAnnotations(recording: SurrogateRecording) {
  return annotationsFromEvents(recording.events, recording.durationS).map((row) => ({ ...row, dateTime: SURROGATE_START.replace('T', ' ') }));
}

export interface SurrogateFiles {
  edf: string;
  events: string;
  layout: string;
}

/** What the JSON beside the EDF says: everything but the samples. */
export function surrogateLayout(recording: SurrogateRecording, edfFile: string) {
  return {
    note: 'Surrogate recording: real labelled segments concatenated with cross-fades, not a continuous recording. Seizure events are where ictal segments were placed.',
    edf: basename(edfFile),
    rateHz: recording.rateHz,
    durationS: recording.durationS,
    source: recording.source,
    options: recording.options,
    seizures: recording.seizures,
    pieces: recording.pieces,
    joins: recording.joins,
  };
}

/**
 * Writes `<folder>/<base>.edf`, `<base>_events.tsv` (SzCORE) and `<base>_layout.json`, each checked
 * before anything is written, so a refused path leaves no partial set behind.
 */
export function writeSurrogateFiles(folder: string, base: string, recording: SurrogateRecording, options: SurrogateEdfOptions & WriteTargetOptions = {}): SurrogateFiles {
  if (!/^[A-Za-z0-9._-]+$/.test(base)) throw new ValidationError('name', `"${base}" is not a plain file name (letters, digits, '.', '_', '-')`);
  const files = { edf: join(folder, `${base}.edf`), events: join(folder, `${base}_events.tsv`), layout: join(folder, `${base}_layout.json`) };
  const checked = {
    edf: checkWriteTarget(files.edf, options).path,
    events: checkWriteTarget(files.events, options).path,
    layout: checkWriteTarget(files.layout, options).path,
  };
  writeEdfFile(checked.edf, surrogateEdf(recording, { ...options, name: options.name ?? base }));
  writeSzcoreTsv(checked.events, surrogateAnnotations(recording), options);
  writeFileAtomically(checked.layout, `${JSON.stringify(surrogateLayout(recording, checked.edf), null, 1)}\n`, options);
  return checked;
}
