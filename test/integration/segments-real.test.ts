/**
 * The Bonn and New Delhi readers on the real collections in ../shared/data/eeg, against NumPy and
 * SciPy: test/fixtures/reference/segments-numpy.json (written by segments_numpy.py with Debian's
 * numpy 1.24 / scipy 1.10) holds, per segment, its count, first and last samples, sum and a SHA-256
 * of the float32 samples, so every sample of all 450 segments is compared exactly.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBonn, readDelhi, readSegmentFolder, type SegmentCollection } from '../../main/io/segments/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

if (!hasSharedData()) console.warn(`segments-real skipped: ${SKIP_NO_DATA}`);

interface Expected {
  n: number;
  sha256: string;
  sum: number;
  first: number[];
  last: number;
  matlabClass?: string;
  storedDtype?: string;
}
const reference = JSON.parse(readFileSync(`${REPO_ROOT}/test/fixtures/reference/segments-numpy.json`, 'utf8')) as {
  bonn: Record<string, Expected>;
  delhi: Record<string, Expected>;
};

const sha256 = (samples: Float32Array) => createHash('sha256').update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)).digest('hex');

function expectEqualToReference(collection: SegmentCollection, expected: Record<string, Expected>): void {
  expect(collection.segments.map((s) => s.id).sort()).toEqual(Object.keys(expected).sort());
  for (const segment of collection.segments) {
    const want = expected[segment.id]!;
    const got = { n: segment.samples.length, first: Array.from(segment.samples.subarray(0, 3)), last: segment.samples.at(-1), sum: segment.samples.reduce((a, v) => a + v, 0) };
    expect(got, segment.id).toEqual({ n: want.n, first: want.first, last: want.last, sum: want.sum });
    expect(sha256(segment.samples), segment.id).toBe(want.sha256);
  }
}

describe.skipIf(!hasSharedData())('Bonn (Andrzejak et al. 2001) and New Delhi (Swami et al. 2016) collections', () => {
  const bonnFolder = dataFile('eeg', 'bonn_andrzejak2001');
  const delhiFolder = dataFile('eeg', 'delhi_swami2016');

  it('reads 300 Bonn segments, 5 sets × 60, 4097 samples at 173.61 Hz, equal to numpy.loadtxt', () => {
    const bonn = readBonn(bonnFolder);
    expect(bonn.segments).toHaveLength(300);
    const perSet = Object.fromEntries(['A', 'B', 'C', 'D', 'E'].map((set) => [set, bonn.segments.filter((s) => s.group === set).length]));
    expect(perSet).toEqual({ A: 60, B: 60, C: 60, D: 60, E: 60 });
    expect(new Set(bonn.segments.map((s) => `${s.group}:${s.label}`))).toEqual(new Set(['A:healthy', 'B:healthy', 'C:interictal', 'D:interictal', 'E:ictal']));
    expect(bonn.segments.every((s) => s.rateHz === 173.61 && s.samples.length === 4097)).toBe(true);
    expect(bonn.labels).toEqual(['healthy', 'ictal', 'interictal']);
    // C's files are upper case (N001.TXT) in this copy: read all the same, in number order.
    expect(bonn.segments.filter((s) => s.group === 'C').map((s) => s.id).slice(0, 2)).toEqual(['C/N001', 'C/N002']);
    expectEqualToReference(bonn, reference.bonn);
    // Spot check against the text itself: the first and last lines of Z001.txt.
    const z001 = readFileSync(dataFile('eeg', 'bonn_andrzejak2001', 'A_Z', 'Z001.txt'), 'latin1').trim().split(/\r?\n/).map(Number);
    const a1 = bonn.segments.find((s) => s.id === 'A/Z001')!;
    expect([a1.samples[0], a1.samples[4096]]).toEqual([z001[0], z001[4096]]);
  });

  it('reads 150 New Delhi segments, 3 × 50, 1024 samples at 200 Hz, equal to scipy.io.loadmat', () => {
    const delhi = readDelhi(delhiFolder);
    expect(delhi.segments).toHaveLength(150);
    for (const label of ['ictal', 'interictal', 'preictal']) expect(delhi.segments.filter((s) => s.label === label && s.group === label)).toHaveLength(50);
    expect(delhi.segments.every((s) => s.rateHz === 200 && s.samples.length === 1024)).toBe(true);
    expect(delhi.labels).toEqual(['ictal', 'interictal', 'preictal']);
    // The originals: MATLAB class double, stored as int16 (scipy's default dtype).
    expect(new Set(Object.values(reference.delhi).map((e) => `${e.matlabClass}/${e.storedDtype}`))).toEqual(new Set(['double/int16']));
    expectEqualToReference(delhi, reference.delhi);
  });

  it('tells each layout from its folder and records the unit assumption', () => {
    const bonn = readSegmentFolder(bonnFolder);
    const delhi = readSegmentFolder(delhiFolder);
    expect([bonn.format, delhi.format]).toEqual(['bonn', 'delhi']);
    expect(bonn.notes.join(' ')).toMatch(/taken as µV/);
    expect(delhi.notes.join(' ')).toMatch(/taken as µV/);
  });
});
