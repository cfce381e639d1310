/**
 * The Suite2p reader on plane folders written here: F / Fneu / iscell / spks through the .npy
 * writer, ops and stat as numpy itself pickles them (np.save of object arrays, generated with
 * numpy 1.24 and embedded below). Checks what is read, what is skipped with a warning, and the
 * shape errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { readCalcium, sniffCalcium } from '../../main/io/calcium/index.js';
import { readSuite2p } from '../../main/io/calcium/suite2p.js';
import { encodeNpy, type NpyArray } from '../../main/io/npy.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-suite2p-');
afterAll(() => tmp.cleanup());

/*
 * np.save(f, obj, allow_pickle=True) of:
 *   OPS_NPY:         np.array({'fs': 30.0, 'Ly': 16, 'Lx': 20, 'nframes': 6, 'meanImg': np.zeros((2, 2)),
 *                              'date_proc': datetime(2021, 7, 26)}, dtype=object)
 *   STAT_NPY:        np.array([{'ypix': [3, 4], 'xpix': [5, 5], 'med': [3, 5], 'npix': 2},      (ypix/xpix int64 arrays)
 *                              {'ypix': [10], 'xpix': [2], 'med': np.array([10, 2]), 'npix': 1},
 *                              {'ypix': [7], 'xpix': [15], 'med': [7.5, 15.0], 'npix': 1}], dtype=object)
 *   STAT_NO_MED_NPY: np.array([{'npix': 2}, {'med': [1, 2]}, {'med': [3, 4]}], dtype=object)
 *   OPS_NO_FS_NPY:   np.array({'Ly': 16, 'Lx': 20}, dtype=object)
 */
const OPS_NPY =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAA2NudW1weS5jb3JlLm11bHRpYXJy' +
  'YXkKX3JlY29uc3RydWN0CnEAY251bXB5Cm5kYXJyYXkKcQFLAIVxAkMBYnEDh3EEUnEFKEsBKWNudW1weQpkdHlwZQpxBlgCAAAA' +
  'TzhxB4mIh3EIUnEJKEsDWAEAAAB8cQpOTk5K/////0r/////Sz90cQtiiV1xDH1xDShYAgAAAGZzcQ5HQD4AAAAAAABYAgAAAEx5' +
  'cQ9LEFgCAAAATHhxEEsUWAcAAABuZnJhbWVzcRFLBlgHAAAAbWVhbkltZ3ESaABoAUsAhXETaAOHcRRScRUoSwFLAksChnEWaAZY' +
  'AgAAAGY4cReJiIdxGFJxGShLA1gBAAAAPHEaTk5OSv////9K/////0sAdHEbYolDIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' +
  'AAAAAAAAcRx0cR1iWAkAAABkYXRlX3Byb2NxHmNkYXRldGltZQpkYXRldGltZQpxH0MKB+UHGgAAAAAAAHEghXEhUnEidWF0cSNi' +
  'Lg==';
const STAT_NPY =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAA2NudW1weS5jb3JlLm11bHRpYXJy' +
  'YXkKX3JlY29uc3RydWN0CnEAY251bXB5Cm5kYXJyYXkKcQFLAIVxAkMBYnEDh3EEUnEFKEsBSwOFcQZjbnVtcHkKZHR5cGUKcQdY' +
  'AgAAAE84cQiJiIdxCVJxCihLA1gBAAAAfHELTk5OSv////9K/////0s/dHEMYoldcQ0ofXEOKFgEAAAAeXBpeHEPaABoAUsAhXEQ' +
  'aAOHcRFScRIoSwFLAoVxE2gHWAIAAABpOHEUiYiHcRVScRYoSwNYAQAAADxxF05OTkr/////Sv////9LAHRxGGKJQxADAAAAAAAA' +
  'AAQAAAAAAAAAcRl0cRpiWAQAAAB4cGl4cRtoAGgBSwCFcRxoA4dxHVJxHihLAUsChXEfaBaJQxAFAAAAAAAAAAUAAAAAAAAAcSB0' +
  'cSFiWAMAAABtZWRxIl1xIyhLA0sFZVgEAAAAbnBpeHEkSwJ1fXElKGgPaABoAUsAhXEmaAOHcSdScSgoSwFLAYVxKWgWiUMICgAA' +
  'AAAAAABxKnRxK2JoG2gAaAFLAIVxLGgDh3EtUnEuKEsBSwGFcS9oFolDCAIAAAAAAAAAcTB0cTFiaCJoAGgBSwCFcTJoA4dxM1Jx' +
  'NChLAUsChXE1aBaJQxAKAAAAAAAAAAIAAAAAAAAAcTZ0cTdiaCRLAXV9cTgoaA9oAGgBSwCFcTloA4dxOlJxOyhLAUsBhXE8aBaJ' +
  'QwgHAAAAAAAAAHE9dHE+YmgbaABoAUsAhXE/aAOHcUBScUEoSwFLAYVxQmgWiUMIDwAAAAAAAABxQ3RxRGJoIl1xRShHQB4AAAAA' +
  'AABHQC4AAAAAAABlaCRLAXVldHFGYi4=';
const STAT_NO_MED_NPY =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAA2NudW1weS5jb3JlLm11bHRpYXJy' +
  'YXkKX3JlY29uc3RydWN0CnEAY251bXB5Cm5kYXJyYXkKcQFLAIVxAkMBYnEDh3EEUnEFKEsBSwOFcQZjbnVtcHkKZHR5cGUKcQdY' +
  'AgAAAE84cQiJiIdxCVJxCihLA1gBAAAAfHELTk5OSv////9K/////0s/dHEMYoldcQ0ofXEOWAQAAABucGl4cQ9LAnN9cRBYAwAA' +
  'AG1lZHERXXESKEsBSwJlc31xE2gRXXEUKEsDSwRlc2V0cRViLg==';
const OPS_NO_FS_NPY =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnfE8nLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoKSwgfSAgICAgICAgICAg' +
  'ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAqAA2NudW1weS5jb3JlLm11bHRpYXJy' +
  'YXkKX3JlY29uc3RydWN0CnEAY251bXB5Cm5kYXJyYXkKcQFLAIVxAkMBYnEDh3EEUnEFKEsBKWNudW1weQpkdHlwZQpxBlgCAAAA' +
  'TzhxB4mIh3EIUnEJKEsDWAEAAAB8cQpOTk5K/////0r/////Sz90cQtiiV1xDH1xDShYAgAAAEx5cQ5LEFgCAAAATHhxD0sUdWF0' +
  'cRBiLg==';

const CELLS = 3;
const FRAMES = 6;
const f32 = (shape: number[], value: (i: number) => number): NpyArray => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => value(i)),
});
const F = f32([CELLS, FRAMES], (i) => (i === 7 ? NaN : 100 + i));
const FNEU = f32([CELLS, FRAMES], (i) => 40 + i / 2);
const ISCELL: NpyArray = { dtype: 'float64', shape: [CELLS, 2], data: Float64Array.from([1, 0.9, 0, 0.2, 1, 0.7]) };

let folders = 0;
/** A plane folder with the given files (.npy arrays, or raw bytes for the pickled ones). */
function planeFolder(files: Record<string, NpyArray | Uint8Array | string>, parent?: string): string {
  const dir = parent ?? join(tmp.dir, `plane-${folders++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const bytes =
      typeof content === 'string'
        ? new Uint8Array(Buffer.from(content, 'base64'))
        : content instanceof Uint8Array
          ? content
          : // iscell is Fortran order in real Suite2p output; write it so here too.
            encodeNpy(content, { fortranOrder: name === 'iscell.npy' });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

const full = (): Record<string, NpyArray | Uint8Array | string> => ({
  'F.npy': F,
  'Fneu.npy': FNEU,
  'iscell.npy': ISCELL,
  'spks.npy': f32([CELLS, FRAMES], () => 0),
  'ops.npy': OPS_NPY,
  'stat.npy': STAT_NPY,
});

describe('a complete plane folder', () => {
  it('reads traces, neuropil, iscell, frame rate and positions', async () => {
    const dir = planeFolder(full());
    const recording = await readSuite2p(dir);
    expect(recording.format).toBe('suite2p');
    expect(recording.source).toBe(dir);
    expect([recording.cellCount, recording.frameCount]).toEqual([CELLS, FRAMES]);
    expect(recording.traceKind).toBe('fluorescence');
    expect(recording.traces[0]).toBe(100);
    expect(recording.traces[7]).toBeNaN();
    expect(recording.traces[17]).toBe(117);
    expect(Array.from(recording.neuropil!)).toEqual(Array.from(FNEU.data as Float32Array));
    expect(recording.isCell).toEqual([true, false, true]);
    expect(recording.frameRateHz).toBe(30);
    expect(recording.timestampsS).toBeNull();
    // med = [y, x] → (x, y, 0)
    expect(Array.from(recording.positions!)).toEqual([5, 3, 0, 2, 10, 0, 15, 7.5, 0]);
    expect(recording.labels).toEqual([null, null, null]);
    expect(recording.assemblies).toBeNull();
    expect(recording.warnings).toEqual(['1 cell contains non-finite values (1 NaN/Inf traces values in all); they are kept as read']);
    expect(recording.description).toMatch(/2 of 3 ROIs classified as cells/);
    expect(recording.description).toMatch(/spks\.npy: deconvolved activity/);
    expect(recording.deconvolved!.length).toBe(recording.traces.length);
    expect(recording.description).toMatch(/image 16 × 20 px/);
  });

  it('is found from the Suite2p root (plane0), saying which planes are not read', async () => {
    const root = join(tmp.dir, 'suite2p-root');
    planeFolder(full(), join(root, 'plane0'));
    planeFolder({ 'F.npy': F }, join(root, 'plane1'));
    expect(sniffCalcium(root)).toBe('suite2p');
    const recording = await readCalcium(root);
    expect(recording.source).toBe(join(root, 'plane0'));
    expect(recording.warnings.some((w) => /only plane0 is read; plane1 not read/.test(w))).toBe(true);
  });

  it('reads float64 F as float32, and is sniffed by content', async () => {
    const dir = planeFolder({ 'F.npy': { dtype: 'float64', shape: [2, 3], data: Float64Array.from([1.5, 2, 3, 4, 5, 6]) } });
    expect(sniffCalcium(dir)).toBe('suite2p');
    const recording = await readCalcium(dir, { dataset: 'x' });
    expect(recording.traces).toBeInstanceOf(Float32Array);
    expect(Array.from(recording.traces)).toEqual([1.5, 2, 3, 4, 5, 6]);
    expect(recording.warnings).toContain('option "dataset" does not apply to Suite2p folders; ignored');
  });
});

describe('what is skipped, with a warning', () => {
  it('absent optional files', async () => {
    const dir = planeFolder({ 'F.npy': F });
    const recording = await readSuite2p(dir);
    expect(recording.neuropil).toBeNull();
    expect(recording.isCell).toBeNull();
    expect(recording.frameRateHz).toBeNull();
    expect(recording.positions).toBeNull();
    const text = recording.warnings.join('\n');
    for (const name of ['Fneu.npy', 'iscell.npy', 'ops.npy', 'stat.npy']) expect(text).toContain(join(dir, name));
  });

  it('ops without fs, stat without med', async () => {
    const dir = planeFolder({ ...full(), 'ops.npy': OPS_NO_FS_NPY, 'stat.npy': STAT_NO_MED_NPY });
    const recording = await readSuite2p(dir);
    expect(recording.frameRateHz).toBeNull();
    expect(recording.positions).toBeNull();
    const text = recording.warnings.join('\n');
    expect(text).toContain(`${join(dir, 'ops.npy')}: no usable "fs"`);
    expect(text).toMatch(/stat\.npy: skipped \(.*ROI 0 has no "med" \[y, x\] centroid\); no positions/);
  });

  it('a truncated ops pickle and a stat of the wrong length', async () => {
    const ops = Buffer.from(OPS_NPY, 'base64');
    const stat = Buffer.from(STAT_NPY, 'base64');
    const dir = planeFolder({
      ...full(),
      'F.npy': f32([2, FRAMES], (i) => i),
      'Fneu.npy': f32([2, FRAMES], (i) => i),
      'iscell.npy': { dtype: 'float64', shape: [2, 2], data: Float64Array.from([1, 1, 0, 0]) },
      'ops.npy': new Uint8Array(ops.subarray(0, ops.length - 40)),
      'stat.npy': new Uint8Array(stat),
    });
    const recording = await readSuite2p(dir);
    expect(recording.frameRateHz).toBeNull();
    expect(recording.positions).toBeNull();
    const text = recording.warnings.join('\n');
    expect(text).toMatch(/ops\.npy: skipped \(byte \d+: pickle: the pickle is cut off.*\); frame rate unknown/);
    expect(text).toMatch(/stat\.npy: skipped \(holds 3 ROI records but F has 2 ROIs\); no positions/);
  });

  it('ops and stat that are not pickles', async () => {
    const dir = planeFolder({ ...full(), 'ops.npy': f32([2], () => 1), 'stat.npy': new TextEncoder().encode('not numpy') });
    const recording = await readSuite2p(dir);
    const text = recording.warnings.join('\n');
    expect(text).toMatch(/ops\.npy: skipped \(.*expected a pickled object array, found dtype <f4\)/);
    expect(text).toMatch(/stat\.npy: skipped \(.*not a NumPy \.npy file/);
  });
});

describe('errors', () => {
  it('Fneu, iscell and F of the wrong shape', async () => {
    await expect(readSuite2p(planeFolder({ ...full(), 'Fneu.npy': f32([CELLS, FRAMES + 1], () => 0) }))).rejects.toThrow(
      /Fneu\.npy: field "shape": Fneu is 3 × 7 but F is 3 × 6; they must match/,
    );
    await expect(readSuite2p(planeFolder({ ...full(), 'iscell.npy': { dtype: 'float64', shape: [2, 2], data: new Float64Array(4) } }))).rejects.toThrow(
      /iscell is 2 × 2 but F has 3 ROIs/,
    );
    await expect(readSuite2p(planeFolder({ 'F.npy': f32([6], () => 0) }))).rejects.toThrow(/F is 6; Suite2p writes ROIs × frames/);
  });

  it('a pickled F and a broken F', async () => {
    const error = await readSuite2p(planeFolder({ 'F.npy': STAT_NPY })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toMatch(/F\.npy: field "descr": the \.npy file holds pickled Python objects/);
    const cut = encodeNpy(F);
    await expect(readSuite2p(planeFolder({ 'F.npy': cut.subarray(0, cut.length - 5) }))).rejects.toThrow(/data is truncated/);
  });

  it('a folder that is not Suite2p output, and one that does not exist', async () => {
    const empty = planeFolder({});
    expect(sniffCalcium(empty)).toBeNull();
    await expect(readSuite2p(empty)).rejects.toThrow(/not a Suite2p output folder \(no F\.npy, nor plane0\/F\.npy\)/);
    await expect(readSuite2p(join(tmp.dir, 'nowhere'))).rejects.toBeInstanceOf(FileAccessError);
    await expect(readCalcium(join(tmp.dir, 'nowhere'))).rejects.toBeInstanceOf(FileAccessError);
  });

  it('a lone .npy file points to its folder', async () => {
    const dir = planeFolder({ 'F.npy': F });
    expect(sniffCalcium(join(dir, 'F.npy'))).toBeNull();
    await expect(readCalcium(join(dir, 'F.npy'))).rejects.toThrow(/a lone \.npy file is not a recording: open the Suite2p plane folder/);
  });
});

/** `bytes` with the 8 bytes of big-endian double `from` (the pickle's BINFLOAT) after `after` replaced by `to`. */
function patchDouble(base64: string, after: string, from: number, to: number): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  const encode = (value: number): Buffer => {
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleBE(value);
    return buffer;
  };
  const start = Buffer.from(bytes).indexOf(after);
  const at = Buffer.from(bytes).indexOf(encode(from), start);
  if (start < 0 || at < 0) throw new Error(`no ${from} after "${after}" in the fixture`);
  bytes.set(encode(to), at);
  return bytes;
}

describe('values that cannot be data (issue #15)', () => {
  const iscell = (values: number[]): NpyArray => ({ dtype: 'float64', shape: [CELLS, 2], data: Float64Array.from(values) });

  it('a NaN iscell flag is refused naming the file and the field, not counted as a cell', async () => {
    const dir = planeFolder({ ...full(), 'iscell.npy': iscell([1, 0.9, NaN, 0.2, 1, 0.7]) });
    const error = await readSuite2p(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as FormatError).message).toBe(
      `${join(dir, 'iscell.npy')}: field "iscell[1, 0]": ROI 1: classification NaN is not 0 or 1 (iscell column 0 is the 0/1 cell flag)`,
    );
  });

  it('flags other than 0/1 and probabilities outside [0, 1] are refused', async () => {
    await expect(readSuite2p(planeFolder({ ...full(), 'iscell.npy': iscell([1, 0.9, 0.5, 0.2, 1, 0.7]) }))).rejects.toThrow(
      /field "iscell\[1, 0\]": ROI 1: classification 0\.5 is not 0 or 1/,
    );
    await expect(readSuite2p(planeFolder({ ...full(), 'iscell.npy': iscell([1, 0.9, 0, 0.2, 1, NaN]) }))).rejects.toThrow(
      /field "iscell\[2, 1\]": ROI 2: cell probability NaN is not in \[0, 1\]/,
    );
    await expect(readSuite2p(planeFolder({ ...full(), 'iscell.npy': iscell([1, 1.5, 0, 0.2, 1, 0.7]) }))).rejects.toThrow(
      /field "iscell\[0, 1\]": ROI 0: cell probability 1\.5 is not in \[0, 1\]/,
    );
    // A bool iscell (0/1, one column) is fine.
    const flags = await readSuite2p(planeFolder({ ...full(), 'iscell.npy': { dtype: 'bool', shape: [CELLS], data: Uint8Array.from([1, 0, 1]) } }));
    expect(flags.isCell).toEqual([true, false, true]);
  });

  it('an fs that is NaN, infinite or not positive is refused', async () => {
    for (const bad of [NaN, Infinity, 0, -30]) {
      const dir = planeFolder({ ...full(), 'ops.npy': patchDouble(OPS_NPY, 'fs', 30, bad) });
      await expect(readSuite2p(dir)).rejects.toThrow(`${join(dir, 'ops.npy')}: field "fs": frame rate fs is ${bad}; it must be a positive number of Hz`);
    }
  });

  it('a non-finite med centroid skips the positions, with a warning naming the ROI', async () => {
    const dir = planeFolder({ ...full(), 'stat.npy': patchDouble(STAT_NPY, 'med', 7.5, NaN) });
    const recording = await readSuite2p(dir);
    expect(recording.positions).toBeNull();
    expect(recording.warnings.join('\n')).toMatch(/stat\.npy: skipped \(field "med": ROI 2 has a non-finite "med" centroid \[NaN, 15\]\); no positions/);
  });

  it('an empty F is refused, naming the empty axis', async () => {
    await expect(readSuite2p(planeFolder({ 'F.npy': f32([0, FRAMES], () => 0) }))).rejects.toThrow(/F\.npy: field "shape": empty recording: F is 0 × 6 \(no ROIs\)/);
    await expect(readSuite2p(planeFolder({ 'F.npy': f32([CELLS, 0], () => 0) }))).rejects.toThrow(/empty recording: F is 3 × 0 \(no frames\)/);
  });

  it('NaN in the traces is kept and counted (Suite2p never writes one; a NaN movie frame does)', async () => {
    const recording = await readSuite2p(planeFolder(full()));
    expect(recording.traces[7]).toBeNaN();
    expect(recording.warnings).toContain('1 cell contains non-finite values (1 NaN/Inf traces values in all); they are kept as read');
  });
});
