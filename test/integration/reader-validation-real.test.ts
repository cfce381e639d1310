/**
 * Issue #15 on real files: each finding of the fuzzing probe rebuilt by changing a few bytes of a
 * file from ../shared/data (read into memory, written to a temporary folder, never changed in
 * place) and imported through inspectRecording, as the Library does. Each must be refused with the
 * file and field named, or imported with a warning the user sees; the untouched files import clean.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { readEdfHeader } from '../../main/io/edf/index.js';
import { inspectRecording } from '../../main/io/recording.js';
import { SKIP_NO_DATA, dataFile, hasSharedData } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-validation-');
afterAll(() => tmp.cleanup());

const HYPNOGRAM = ['eeg', 'sleep_edf_SC4001EC-Hypnogram.edf'];
const PSG = ['eeg', 'sleep_edf_SC4001E0_first5min_short_psg.edf'];
const BCI = ['eeg', 'bci2000_motor_imagery_64ch_T0T1T2_annotations.edf'];
const MOTONEURON = ['morphology', 'cat_spinal_motoneuron_v_e_moto1.CNG.swc'];

/** A copy of a real file with `change` applied, in the temporary folder. */
function changed(source: string[], name: string, change: (bytes: Buffer) => Buffer | void): string {
  const bytes = readFileSync(dataFile(...source));
  const path = join(tmp.dir, name);
  writeFileSync(path, change(bytes) ?? bytes);
  return path;
}

async function refused(path: string): Promise<FormatError> {
  const error = await inspectRecording(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, path).toBeInstanceOf(FormatError);
  expect((error as FormatError).file).toBe(path);
  return error as FormatError;
}

if (!hasSharedData()) console.warn(`reader-validation-real skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('EDF findings of the fuzzing probe, on real files', () => {
  it('the untouched files import without warnings', async () => {
    for (const source of [HYPNOGRAM, PSG, BCI]) expect((await inspectRecording(dataFile(...source))).warnings, source.join('/')).toEqual([]);
  });

  it('a flipped "EDF Annotations" label no longer turns 154 sleep stages into a 0 Hz data channel', async () => {
    const path = changed(HYPNOGRAM, 'hypnogram-flipped.edf', (bytes) => void bytes.write('EDF Annotatiosn', 256, 'latin1'));
    const error = await refused(path);
    expect(error.field).toBe('label of signal 1');
    expect(error.message).toMatch(/signal 1 holds EDF\+ annotations \(TAL text\), not samples: its label is not exactly "EDF Annotations"/);
  });

  it('a flipped label on the annotation signal of a 64-channel recording is refused', async () => {
    const path = changed(BCI, 'bci-flipped.edf', (bytes) => void bytes.write('EDF annotations', 256 + 64 * 16, 'latin1'));
    expect((await refused(path)).message).toMatch(/field "label of signal 65" at byte 1280: signal 65 holds EDF\+ annotations/);
  });

  it.each([
    ['0       ', /is 0, which only a file of annotation signals may have/],
    ['-0      ', /must not be negative/],
    ['1e308   ', /expected a decimal number/],
    ['0x1E    ', /expected a decimal number/],
    ['inf     ', /expected a decimal number/],
  ])('a record duration of %j is refused', async (text, problem) => {
    const path = changed(PSG, 'psg-duration.edf', (bytes) => void bytes.write(text, 244, 'latin1'));
    const error = await refused(path);
    expect(error.field).toBe('duration of a data record');
    expect(error.message).toMatch(problem);
  });

  it('a digital maximum outside the 16-bit range is refused', async () => {
    // 7 signals: the digital maximum column starts at 256 + 7 × 128.
    const path = changed(PSG, 'psg-digital.edf', (bytes) => void bytes.write('99999   ', 256 + 7 * 128, 'latin1'));
    expect((await refused(path)).message).toMatch(/field "digital maximum of signal 1 \(EEG Fpz-Cz\)" at byte 1152: 99999 is outside the 16-bit sample range/);
  });

  it('an unreadable annotation block in record 61 of 124 is refused at import, with record and byte', async () => {
    const header = readEdfHeader(dataFile(...BCI));
    const annotation = header.signals.find((s) => s.isAnnotation)!;
    const at = header.headerBytes + 60 * header.recordBytes + annotation.offsetInRecord;
    const path = changed(BCI, 'bci-tal.edf', (bytes) => void (bytes[at] = 0x2a)); // '*' for the onset sign
    const error = await refused(path);
    expect(error.byteOffset).toBe(at);
    expect(error.message).toBe(`${path}: field "EDF+ annotation (TAL)" at byte ${at}: a TAL onset is not +seconds or -seconds in data record 61`);
  });

  it('a file cut inside its data still imports to its last whole record, with a warning', async () => {
    const header = readEdfHeader(dataFile(...PSG));
    const path = changed(PSG, 'psg-cut.edf', (bytes) => bytes.subarray(0, header.headerBytes + 7 * header.recordBytes + 100));
    const inspected = await inspectRecording(path);
    expect(inspected.metadata.dataRecordCount).toBe(7);
    expect(inspected.warnings).toEqual([expect.stringMatching(/file is truncated: .* reading the 7 whole records$/)]);
  });
});

describe.skipIf(!hasSharedData())('SWC findings of the fuzzing probe, on a real NeuroMorpho file', () => {
  it('the untouched file imports', async () => {
    expect((await inspectRecording(dataFile(...MOTONEURON))).metadata.morphology?.nodeCount).toBe(562);
  });

  it('a last line cut inside its parent id (561 → 5) is refused as truncated, not re-parented', async () => {
    // The file ends "562 3 113 167 750 0.52 561\n".
    const path = changed(MOTONEURON, 'moto-cut.swc', (bytes) => bytes.subarray(0, bytes.length - 3));
    const error = await refused(path);
    expect(error.field).toBe('parent');
    expect(error.message).toMatch(/file appears truncated at line \d+ \(its last line, which has no newline\): line \d+, column 7 \(parent\) has fewer digits \(5\) than the sample's id \(562\)/);
    // Cut before the parent: six columns.
    const six = changed(MOTONEURON, 'moto-six.swc', (bytes) => bytes.subarray(0, bytes.length - 5));
    expect((await refused(six)).message).toMatch(/file appears truncated at line \d+ .*has 6 columns, expected 7/);
    // Only the newline lost: the line is whole, and the file imports.
    const whole = changed(MOTONEURON, 'moto-nonl.swc', (bytes) => bytes.subarray(0, bytes.length - 1));
    expect((await inspectRecording(whole)).metadata.morphology?.nodeCount).toBe(562);
  });

  it('a coordinate of 1e308 (total length Infinity) is refused, naming line, column and field', async () => {
    const path = changed(MOTONEURON, 'moto-huge.swc', (bytes) => Buffer.from(bytes.toString('latin1').replace(/\n\s*562 3 113 /, '\n562 3 1e308 '), 'latin1'));
    const error = await refused(path);
    expect(error.field).toBe('x');
    expect(error.message).toMatch(/line \d+, column 3 \(x\) is out of range: beyond ±1e\+9 file units/);
  });
});

if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
