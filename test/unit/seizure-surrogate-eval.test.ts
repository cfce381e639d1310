import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelledSegment, SegmentCollection } from '../../main/io/segments/types.js';
import { buildSurrogate, makeSurrogates, prepareOutputFolder, scoreDetectorOnSurrogates, surrogateTable, type SurrogateRecording } from '../../main/pipelines/seizure/surrogate.js';
import { EdfReader } from '../../main/io/edf/index.js';
import { heldOutIds, restrictToSegments } from '../../main/pipelines/seizure/surrogate/held-out.js';
import { seededRandom } from '../../shared/random.js';

function collection(): SegmentCollection {
  const random = seededRandom(3);
  const make = (label: string, k: number): LabelledSegment => ({
    id: `${label}/${k}`,
    file: `/synthetic/${label}/${k}`,
    label,
    group: label,
    rateHz: 200,
    samples: Float32Array.from({ length: 2000 }, (_, i) => (label === 'ictal' ? 200 * Math.sin(i / 5 + k) : 0) + 20 * (random() - 0.5)),
  });
  return { format: 'labels-csv', source: '/synthetic', labels: ['ictal', 'interictal'], segments: [...Array.from({ length: 8 }, (_, k) => make('interictal', k)), ...Array.from({ length: 4 }, (_, k) => make('ictal', k))], notes: [] };
}

const options = { durationS: 2 * 3600, gapS: [300, 900] as const };
const recordings = [1, 2].map((seed) => buildSurrogate(collection(), { ...options, seed }));
const seizures = recordings.reduce((n, r) => n + r.seizures.length, 0);

describe('scoring detectors on surrogates', () => {
  it('gives a perfect score to the truth, counting every seizure of every surrogate', async () => {
    const score = await scoreDetectorOnSurrogates('synthetic', recordings, { name: 'oracle', detect: (r: SurrogateRecording) => r.events });
    expect(seizures).toBeGreaterThan(8);
    expect(score.event).toMatchObject({ refTrue: seizures, tp: seizures, fp: 0, sensitivity: 1, precision: 1, f1: 1, fpRate: 0 });
    expect(score.sample.sensitivity).toBeGreaterThan(0.98);
    expect(score.hours).toBeCloseTo(4, 9);
    expect(score.surrogates).toBe(2);
    expect(score.realTimeFactor).toBeGreaterThan(0);
  });

  it('counts misses and false alarms per 24 h over all surrogates', async () => {
    // One 20 s false event in the first minute of each surrogate (seizures start after ≥ 300 s), nothing else.
    const score = await scoreDetectorOnSurrogates('synthetic', recordings, { name: 'wrong', detect: () => [[10, 30]] });
    expect(score.event).toMatchObject({ refTrue: seizures, tp: 0, fp: 2, sensitivity: 0, precision: 0, f1: 0 });
    expect(score.event.fpRate).toBeCloseTo(2 / (4 / 24), 9); // 2 false alarms in 4 h
    expect(score.sample.fp).toBe(40);
    const table = surrogateTable([score], [{ collection: 'synthetic', segments: 'all', detector: 'classical, standard 19-channel input', reason: 'not applicable: one channel' }]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(`| synthetic | 8 + 4 | wrong | 2 × 2 h | ${seizures} | 0 | 2 | 0.0 % | 0.0 % | 0.0 % | 12.0 |`);
    expect(lines[3]).toContain('not applicable: one channel');
    for (const line of lines) expect(line.split('|').length).toBe(lines[0]!.split('|').length);
  });
});

describe('prepareOutputFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'cajal-surrogate-out-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const data = join(root, 'data');
  mkdirSync(join(data, 'eeg'), { recursive: true });

  it('creates a new folder outside the data, and refuses the data, inside it, or through a symlink', () => {
    expect(prepareOutputFolder(join(root, 'out', 'a'), [data])).toBe(join(root, 'out', 'a'));
    expect(() => prepareOutputFolder(data, [data])).toThrow(/--out: .* is inside .*data/);
    expect(() => prepareOutputFolder(join(data, 'eeg', 'new'), [data])).toThrow(/is inside/);
    symlinkSync(join(data, 'eeg'), join(root, 'link'));
    expect(() => prepareOutputFolder(join(root, 'link', 'x'), [data])).toThrow(/is inside/);
    expect(prepareOutputFolder(join(root, 'data2'), [data])).toBe(join(root, 'data2'));
  });
});

describe('makeSurrogates', () => {
  const root = mkdtempSync(join(tmpdir(), 'cajal-surrogate-make-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A labels.csv folder (a lab's own segments) of 10 s segments at 200 Hz. */
  function labFolder(): string {
    const folder = join(root, 'lab');
    mkdirSync(folder);
    const random = seededRandom(9);
    const rows = ['file,label,rate_hz,group'];
    for (let k = 0; k < 10; k++) {
      const label = k < 7 ? 'interictal' : 'ictal';
      const values = Array.from({ length: 2000 }, (_, i) => ((label === 'ictal' ? 150 * Math.sin(i / 6) : 0) + 10 * (random() - 0.5)).toFixed(2));
      writeFileSync(join(folder, `s${k}.txt`), `${values.join('\n')}\n`);
      rows.push(`s${k}.txt,${label},200,p1`);
    }
    writeFileSync(join(folder, 'labels.csv'), `${rows.join('\n')}\n`);
    return folder;
  }

  it('writes one EDF+, events TSV and layout per source into a new folder, and refuses the source folder', () => {
    const lab = labFolder();
    const out = join(root, 'out', 'surrogates');
    const made = makeSurrogates({ sources: [{ name: 'lab', folder: lab }], out, hours: 0.5, seed: 4, build: { gapS: [300, 400] } });
    expect(made).toHaveLength(1);
    expect(readdirSync(out).sort()).toEqual(['lab_surrogate_4.edf', 'lab_surrogate_4_events.tsv', 'lab_surrogate_4_layout.json']);
    const reader = EdfReader.open(made[0]!.files.edf);
    expect(reader.durationS).toBe(1800);
    expect(reader.annotations().filter((a) => a.text === 'seizure')).toHaveLength(made[0]!.recording.seizures.length);
    reader.close();
    expect(made[0]!.recording.seizures.length).toBeGreaterThan(0);
    expect(() => makeSurrogates({ sources: [{ name: 'lab', folder: lab }], out, hours: 0.5, seed: 4 })).toThrow(/exists; .*overwrite/);
    expect(() => makeSurrogates({ sources: [{ name: 'lab', folder: lab }], out: join(lab, 'x'), hours: 0.5, seed: 4 })).toThrow(/--out: .* is inside .*lab/);
    expect(existsSync(join(lab, 'x'))).toBe(false);
    expect(() => makeSurrogates({ sources: [{ name: 'lab', folder: lab }], out, hours: 0, seed: 4 })).toThrow(/--hours/);
  });
});

describe('held-out surrogates', () => {
  const card = { trainingData: { heldOut: { ids: { lab: ['interictal/1', 'interictal/2', 'ictal/0'] } } } };

  it('keeps only the segments a model card lists as held out, and refuses ids it cannot find', () => {
    const ids = heldOutIds(card, 'lab', 'card.json');
    const restricted = restrictToSegments(collection(), ids, 'the test card');
    expect(restricted.segments.map((s) => s.id)).toEqual(['interictal/1', 'interictal/2', 'ictal/0']);
    expect(restricted.labels).toEqual(['ictal', 'interictal']);
    expect(restricted.notes.at(-1)).toMatch(/restricted to 3 segments: the test card/);
    const r = buildSurrogate(restricted, { durationS: 3600, seed: 1, gapS: [300, 600] });
    expect(new Set(r.pieces.map((p) => p.segmentId))).toEqual(new Set(ids));
    expect(() => restrictToSegments(collection(), ['ictal/0', 'ictal/9'], 'the test card')).toThrow(/\/synthetic: 1 segment\(s\) named by the test card are not in the collection \(first: ictal\/9\)/);
    expect(() => heldOutIds(card, 'other', 'card.json')).toThrow(/card.json: trainingData.heldOut.ids.other is not a list/);
  });
});
