/**
 * The seizures of a training recording: from an annotation TSV beside the EDF file
 * (`<base>_events.tsv`, SzCORE / HED-SCORE or BIDS events; for a BIDS `…_eeg.edf` also
 * `…_events.tsv`), else from the file's EDF+ annotations whose text starts with "seizure" or "sz".
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { EdfReader } from '../../../io/edf/index.js';
import { readAnnotationsTsv, seizureEvents, type TimeEvent } from '../scoring/index.js';

export interface RecordingSeizures {
  seizures: TimeEvent[];
  /** Where they came from: the TSV's path or "EDF+ annotations". */
  source: string;
  warnings: string[];
}

/** Candidate TSV paths for `file`, in the order they are tried. */
export function eventsTsvCandidates(file: string): string[] {
  const base = basename(file, extname(file));
  const dir = dirname(file);
  const candidates = [join(dir, `${base}_events.tsv`)];
  if (base.endsWith('_eeg')) candidates.push(join(dir, `${base.slice(0, -'_eeg'.length)}_events.tsv`));
  return candidates;
}

export function isSeizureText(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t.startsWith('seizure') || t.startsWith('sz');
}

export function recordingSeizures(file: string): RecordingSeizures {
  const tsv = eventsTsvCandidates(file).find((path) => existsSync(path));
  if (tsv) return { seizures: seizureEvents(readAnnotationsTsv(tsv)), source: tsv, warnings: [] };
  const reader = EdfReader.open(file);
  try {
    const warnings: string[] = [];
    const seizures: TimeEvent[] = [];
    for (const a of reader.annotations()) {
      if (!isSeizureText(a.text)) continue;
      if (a.durationS > 0) seizures.push([a.onsetS, a.onsetS + a.durationS]);
      else warnings.push(`${file}: seizure annotation "${a.text}" at ${a.onsetS} s has no duration and is ignored`);
    }
    return { seizures, source: 'EDF+ annotations', warnings };
  } finally {
    reader.close();
  }
}
