/**
 * Exports a recording's annotations: as an annotation-only EDF+ file (like Sleep-EDF hypnograms)
 * or as a BIDS `events.tsv`. The target is checked and written atomically by io/write-target
 * (never a project file or a source, an existing file only with `overwrite`).
 */
import { encodeEdf, type EdfAnnotation } from '../../io/edf/index.js';
import { writeFileAtomically, type WriteTargetOptions } from '../../io/write-target.js';

/** Returns the absolute path written. */
export function writeAnnotationsEdf(
  path: string,
  annotations: readonly EdfAnnotation[],
  startDateTime: string,
  patient: string,
  options: WriteTargetOptions = {},
): string {
  return writeFileAtomically(
    path,
    encodeEdf({
      variant: 'edf+C',
      startDateTime,
      patient: patient || 'X X X X',
      recording: `Startdate ${edfDate(startDateTime)} X X Cajal_annotations`,
      // One record of zero duration holds every TAL: the layout EDF+ uses for annotation-only files.
      dataRecordDurationS: 0,
      recordCount: 1,
      signals: [],
      annotations: [...annotations],
    }),
    options,
  );
}

/** BIDS events.tsv: onset and duration in seconds, the text as trial_type. Returns the absolute path written. */
export function writeBidsEvents(path: string, annotations: readonly EdfAnnotation[], options: WriteTargetOptions = {}): string {
  const clean = (text: string) => text.replace(/[\t\r\n]+/g, ' ').trim() || 'n/a';
  const rows = annotations.map((a) => `${round(a.onsetS)}\t${round(a.durationS)}\t${clean(a.text)}`);
  return writeFileAtomically(path, ['onset\tduration\ttrial_type', ...rows].join('\n') + '\n', options);
}

function round(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}

function edfDate(iso: string): string {
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const [, y, m, d] = /^(\d{4})-(\d\d)-(\d\d)/.exec(iso) ?? [];
  return y ? `${d}-${months[Number(m) - 1]}-${y}` : 'X';
}
