/** SzCORE / HED-SCORE annotation TSVs and BIDS events.tsv: reading, writing, and error locations. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import {
  annotationsFromEvents,
  formatSzcoreTsv,
  parseAnnotationsTsv,
  parseBidsEventsTsv,
  parseSzcoreTsv,
  readAnnotationsTsv,
  readSzcoreTsv,
  seizureEvents,
  seizureMask,
  TsvFormatError,
  writeSzcoreTsv,
} from '../../main/pipelines/seizure/scoring/index.js';
import { seizureScore } from '../../main/domains/seizure/cli-score.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';

const HEADER = 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration';
const tmp = mkdtempSync(join(tmpdir(), 'szcore-tsv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(f: () => unknown): TsvFormatError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(TsvFormatError);
    expect(error).toBeInstanceOf(FormatError);
    return error as TsvFormatError;
  }
  throw new Error('expected a TsvFormatError');
}

describe.skipIf(!hasSharedData())('epilepsy2bids sample.tsv', () => {
  if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
  const file = dataFile('eeg', 'szcore', 'epilepsy2bids', 'sample.tsv');

  it('reads the three seizures as epilepsy2bids does', () => {
    const a = readAnnotationsTsv(file);
    expect(a.format).toBe('szcore');
    expect(a.events).toHaveLength(3);
    expect(a.events[0]).toEqual({ onsetS: 36.89, durationS: 200.32, eventType: 'sz', confidence: 1, channels: null, dateTime: '2000-01-01 00:00:00', recordingDurationS: 3600 });
    expect(a.events.map((e) => e.confidence)).toEqual([1, null, 0]);
    // getEvents: onset + duration in floating point, e.g. 36.89 + 200.32 = 237.20999999999998
    expect(seizureEvents(a)).toEqual([[36.89, 36.89 + 200.32], [304.56, 304.56 + 121.14], [1023.45, 1023.45 + 24.14]]);
    const mask = seizureMask(a, 1);
    expect(mask.length).toBe(3600); // test_annotations.py: len(getMask(1)) == 3600
    // int() truncation: [36, 237) + [304, 425) + [1023, 1047) = 201 + 121 + 24 seconds
    expect(mask.reduce((s, v) => s + v, 0)).toBe(346);
  });

  it('round-trips through saveTsv’s format with the same mask (test_annotations.py)', () => {
    const a = readSzcoreTsv(file);
    const out = join(tmp, 'roundtrip.tsv');
    writeSzcoreTsv(out, a.events);
    expect(readFileSync(out, 'utf8')).toBe(`${HEADER}\n36.89\t200.32\tsz\t1.00\tn/a\t2000-01-01 00:00:00\t3600.00\n304.56\t121.14\tsz\tn/a\tn/a\t2000-01-01 00:00:00\t3600.00\n1023.45\t24.14\tsz\t0.00\tn/a\t2000-01-01 00:00:00\t3600.00\n`);
    const b = readSzcoreTsv(out);
    expect(b.events).toEqual(a.events);
    expect(seizureMask(b, 1)).toEqual(seizureMask(a, 1));
  });

  it('scores against itself perfectly through the CLI function', () => {
    const lines: string[] = [];
    expect(seizureScore(file, file, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) })).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/sensitivity\s+1\.0000\s+1\.0000/);
    expect(text).not.toContain('ERR');
  });
});

describe('SzCORE TSV', () => {
  it('round-trips every field, rounding to 0.01 s like the reference (ties to even)', () => {
    const events = [
      { onsetS: 0.125, durationS: 10.375, eventType: 'sz_foc_ia', confidence: 0.875, channels: ['Fp1-Avg', 'F7-Avg'], dateTime: '2024-02-29 23:59:59', recordingDurationS: 1800.5 },
      { onsetS: 100, durationS: 2, eventType: 'sz_gen_m_tonicClonic', confidence: null, channels: null, dateTime: null, recordingDurationS: 1800.5 },
    ];
    const text = formatSzcoreTsv(events);
    expect(text.split('\n')[1]).toBe('0.12\t10.38\tsz_foc_ia\t0.88\tFp1-Avg,F7-Avg\t2024-02-29 23:59:59\t1800.50');
    const back = parseSzcoreTsv(text, 'x.tsv').events;
    expect(back[0]).toEqual({ ...events[0], onsetS: 0.12, durationS: 10.38, confidence: 0.88 });
    expect(back[1]).toEqual(events[1]);
    expect(formatSzcoreTsv(back)).toBe(text);
  });

  it('writes a bckg row for a recording without seizures (loadEvents)', () => {
    expect(formatSzcoreTsv(annotationsFromEvents([], 3600))).toBe(`${HEADER}\n0.00\t3600.00\tbckg\tn/a\tn/a\tn/a\t3600.00\n`);
    const a = parseSzcoreTsv(formatSzcoreTsv(annotationsFromEvents([[10, 20]], 60)), 'x');
    expect(seizureEvents(a)).toEqual([[10, 20]]);
  });

  it('accepts columns in any order, CRLF, a BOM, blank lines and 1-digit date fields', () => {
    const text = '\ufeffeventType\tonset\tduration\trecordingDuration\tdateTime\r\nsz\t1\t2\t10\t2000-1-2 3:4:5\r\n\r\nbckg\tn/a\tn/a\t10\tn/a\r\n';
    const a = parseSzcoreTsv(text, 'x');
    expect(a.events).toHaveLength(2);
    expect(a.events[0]!.dateTime).toBe('2000-01-02 03:04:05');
    expect(Array.from(seizureMask(a, 1))).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('errors name the file, the line, the column and the byte offset', () => {
    const text = `${HEADER}\n1.0\t2.0\tsz\tn/a\tn/a\tn/a\t60\n1.0\tabc\tsz\tn/a\tn/a\tn/a\t60\n`;
    const e = errorOf(() => parseSzcoreTsv(text, 'hyp.tsv'));
    expect([e.file, e.line, e.column, e.field]).toEqual(['hyp.tsv', 3, 2, 'duration']);
    expect(e.byteOffset).toBe(Buffer.byteLength(`${HEADER}\n1.0\t2.0\tsz\tn/a\tn/a\tn/a\t60\n1.0\t`));
    expect(e.message).toBe(`hyp.tsv: field "duration" at byte ${e.byteOffset}: line 3, column 2 (duration): "abc" is not a number`);
  });

  it.each([
    ['unknown event type', `${HEADER}\n1\t2\tseizure\tn/a\tn/a\tn/a\t60\n`, 2, 3, /unknown event type "seizure"/],
    ['negative onset', `${HEADER}\n-1\t2\tsz\tn/a\tn/a\tn/a\t60\n`, 2, 1, /is negative/],
    ['seizure without duration', `${HEADER}\n1\tn/a\tsz\tn/a\tn/a\tn/a\t60\n`, 2, 2, /needs a duration/],
    ['confidence above 1', `${HEADER}\n1\t2\tsz\t1.5\tn/a\tn/a\t60\n`, 2, 4, /outside \[0, 1\]/],
    ['bad date', `${HEADER}\n1\t2\tsz\tn/a\tn/a\t2000-02-30 00:00:00\t60\n`, 2, 6, /not a date/],
    ['zero recording duration', `${HEADER}\n1\t2\tsz\tn/a\tn/a\tn/a\t0\n`, 2, 7, /greater than 0/],
    ['too many cells', `${HEADER}\n1\t2\tsz\tn/a\tn/a\tn/a\t60\textra\n`, 2, 8, /expected 7 tab-separated cells/],
    ['too few cells', `${HEADER}\n\n\n1\t2\tsz\n`, 4, 4, /found 3/],
    ['duplicate column', 'onset\tduration\teventType\tonset\n', 1, 4, /appears twice/],
  ])('%s', (_, text, line, column, message) => {
    const e = errorOf(() => parseSzcoreTsv(text, 'bad.tsv'));
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith('bad.tsv: ')).toBe(true);
  });

  it('a header without the required columns, or an empty file, is a FormatError', () => {
    expect(() => parseSzcoreTsv('onset\tduration\n', 'h.tsv')).toThrow(/h.tsv: .*lacks the column "eventType"/);
    expect(() => parseSzcoreTsv('', 'e.tsv')).toThrow(FormatError);
    expect(() => parseAnnotationsTsv('a\tb\n', 'n.tsv')).toThrow(/neither "eventType" \(SzCORE\) nor "trial_type"/);
  });
});

describe('BIDS events.tsv', () => {
  it('reads onset, duration and trial_type; SzCORE seizure types are seizures, other trial types are not', () => {
    const text = 'onset\tduration\ttrial_type\tvalue\n10\t5\tsz\t1\n30\tn/a\teyes_closed\t2\n40.5\t3.5\tsz_foc_a\tn/a\n';
    const a = parseAnnotationsTsv(text, 'sub-01_events.tsv');
    expect(a.format).toBe('bids-events');
    expect(seizureEvents(a)).toEqual([[10, 15], [40.5, 44]]);
    expect(a.events[1]).toMatchObject({ eventType: 'eyes_closed', durationS: null, recordingDurationS: null });
    expect(Array.from(seizureMask(a, 1, 50)).reduce((s, v) => s + v, 0)).toBe(5 + 4); // [10,15) + [40,44)
  });

  it('errors name line and column', () => {
    const e = errorOf(() => parseBidsEventsTsv('onset\tduration\ttrial_type\n1\t2\tsz\nx\t2\tsz\n', 'ev.tsv'));
    expect([e.file, e.line, e.column, e.field]).toEqual(['ev.tsv', 3, 1, 'onset']);
  });

  it('the CLI scores a BIDS hypothesis against an SzCORE reference on the reference duration', () => {
    const ref = join(tmp, 'ref.tsv');
    const hyp = join(tmp, 'hyp_events.tsv');
    writeFileSync(ref, formatSzcoreTsv(annotationsFromEvents([[100, 160], [2000, 2050]], 3600)));
    writeFileSync(hyp, 'onset\tduration\ttrial_type\n90\t80\tsz\n3000\t10\tsz\n');
    const out: string[] = [];
    const err: string[] = [];
    expect(seizureScore(ref, hyp, { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/TP \/ FP \/ ref\s+1 \/ 1 \/ 2\s+60 \/ 30 \/ 110/);
    expect(text).toMatch(/FP per 24 h\s+24\.00/);
    expect(err).toEqual([]);
  });

  it('the CLI throws a FormatError for a malformed file', () => {
    const bad = join(tmp, 'bad.tsv');
    writeFileSync(bad, `${HEADER}\n1\t2\tsz\tn/a\tn/a\tn/a\tsixty\n`);
    expect(() => seizureScore(bad, bad, { out: () => {}, err: () => {} })).toThrow(/bad\.tsv: .*line 2, column 7 \(recordingDuration\): "sixty" is not a number/);
  });
});
