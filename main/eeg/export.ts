/**
 * Exports a recording's annotations: as an annotation-only EDF+ file (like Sleep-EDF hypnograms)
 * or as a BIDS `events.tsv`. Written to a temporary name and renamed, so nothing half-written is
 * ever left under the real name.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { encodeEdf, type EdfAnnotation } from '../io/edf/index.js';

export function writeAnnotationsEdf(path: string, annotations: readonly EdfAnnotation[], startDateTime: string, patient: string): void {
  writeAtomically(
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
  );
}

/** BIDS events.tsv: onset and duration in seconds, the text as trial_type. */
export function writeBidsEvents(path: string, annotations: readonly EdfAnnotation[]): void {
  const clean = (text: string) => text.replace(/[\t\r\n]+/g, ' ').trim() || 'n/a';
  const rows = annotations.map((a) => `${round(a.onsetS)}\t${round(a.durationS)}\t${clean(a.text)}`);
  writeAtomically(path, ['onset\tduration\ttrial_type', ...rows].join('\n') + '\n');
}

function round(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}

function edfDate(iso: string): string {
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const [, y, m, d] = /^(\d{4})-(\d\d)-(\d\d)/.exec(iso) ?? [];
  return y ? `${d}-${months[Number(m) - 1]}-${y}` : 'X';
}

function writeAtomically(path: string, content: string | Buffer): void {
  const temporary = `${path}.partial`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
