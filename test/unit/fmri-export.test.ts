/**
 * fmri.exportConnectivity (issue #18: connectivity matrices exported as CSV/NumPy from the app)
 * through its handler over a temporary project with an ROI CSV: the CSV (numpy.savetxt's layout,
 * as `cajal fmri connectivity --out`) and the .npy read back to the matrix fmri.connectivity
 * gives; the write-target rules of the other exports (never over a source or the project, an
 * existing file only with overwrite, absolute paths only).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmriCalls } from '../../shared/api/index.js';
import { ConflictError, ValidationError } from '../../main/errors.js';
import { inspectRecording } from '../../main/io/recording.js';
import { npyToFloat64, parseNpy } from '../../main/io/npy.js';
import { fmriHandlers } from '../../main/domains/fmri/handlers.js';
import { FmriView } from '../../main/domains/fmri/view.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-fmri-export-');
const file = (name: string) => join(tmp.dir, name);
let store: Store;
let view: FmriView;
let handlers: ReturnType<typeof fmriHandlers>;
let recordingId: number;
let projectPath: string;

/** The call as the engine makes it: params through the schema (defaults filled), then the handler. */
const exportCall = async (params: Record<string, unknown>) =>
  handlers['fmri.exportConnectivity'](fmriCalls['fmri.exportConnectivity'].params.parse({ recordingId, ...params }));

beforeAll(async () => {
  projectPath = file('p.cajal');
  store = Store.open(projectPath);
  view = new FmriView(store);
  handlers = fmriHandlers(view);
  // An ROI series as nilearn/nitime write it: a header of names, time down the rows.
  const rows = Array.from({ length: 40 }, (_, t) =>
    [Math.sin(t / 3), Math.sin(t / 3) + 0.3 * Math.cos(t), Math.cos(t / 5), Math.sin(t / 2) * Math.cos(t / 9)].map((v) => v.toFixed(6)).join(','),
  );
  writeFileSync(file('series.csv'), `"Vis","Mot","DMN","Sal"\n${rows.join('\n')}\n`);
  recordingId = store.recordings.add(await inspectRecording(file('series.csv'))).recording.id;
});

afterAll(() => {
  view?.close();
  store?.close();
  tmp.cleanup();
});

describe('fmri.exportConnectivity', () => {
  it('writes the Pearson matrix as CSV (no header, as the CLI) that parses back to fmri.connectivity', async () => {
    const expected = await view.connectivity(recordingId, null, 'pearson');
    const path = file('m.csv');
    expect(await exportCall({ format: 'csv', path })).toEqual({ path, regionCount: 4 });
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const parsed = lines.flatMap((line) => line.split(',').map(Number));
    expect(parsed).toEqual(Array.from(expected.matrix)); // full precision: the same numbers
    expect(parsed[0]).toBe(1);
  });

  it('writes the partial-correlation matrix as float64 .npy', async () => {
    const expected = await view.connectivity(recordingId, null, 'partial');
    const path = file('m.npy');
    expect(await exportCall({ kind: 'partial', format: 'npy', path })).toEqual({ path, regionCount: 4 });
    const array = parseNpy(new Uint8Array(readFileSync(path)), path);
    expect(array.shape).toEqual([4, 4]);
    expect(Array.from(npyToFloat64(array))).toEqual(Array.from(expected.matrix));
  });

  it('refuses the source recording and the project, even with overwrite, leaving them intact', async () => {
    const source = readFileSync(file('series.csv'));
    await expect(exportCall({ format: 'csv', path: file('series.csv'), overwrite: true })).rejects.toThrow(/is a source recording; Cajal never overwrites sources/);
    await expect(exportCall({ format: 'npy', path: projectPath, overwrite: true })).rejects.toThrow(/never writes over project files/);
    await expect(exportCall({ format: 'csv', path: file('series.csv') })).rejects.toBeInstanceOf(ValidationError);
    expect(readFileSync(file('series.csv')).equals(source)).toBe(true);
    expect(readFileSync(projectPath, 'latin1').startsWith('SQLite format 3\0')).toBe(true);
  });

  it('refuses an existing file without overwrite, replaces it with', async () => {
    const path = file('earlier.csv');
    writeFileSync(path, 'earlier export\n');
    await expect(exportCall({ format: 'csv', path })).rejects.toBeInstanceOf(ConflictError);
    await expect(exportCall({ format: 'csv', path })).rejects.toThrow(`${path} exists; choose overwrite to replace it`);
    expect(readFileSync(path, 'utf8')).toBe('earlier export\n');
    expect(await exportCall({ format: 'csv', path, overwrite: true })).toEqual({ path, regionCount: 4 });
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5);
  });

  it('refuses a relative path, and a subject of a lone ROI file', async () => {
    await expect(exportCall({ format: 'csv', path: 'm.csv' })).rejects.toThrow('path: m.csv is a relative path; give an absolute path');
    await expect(exportCall({ format: 'csv', subject: 'sub-01', path: file('s.csv') })).rejects.toThrow(/subjects are for cohorts/);
  });
});
