/**
 * Paths that are not recording files (FIFOs, devices, folders, symlink loops, names too long or not
 * UTF-8, unreadable folders) are refused at the entry points, quickly, in one line naming the path,
 * and nothing is stored; and `cajal … | head -1` ends without a stack trace.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { Engine } from '../../main/engine/index.js';
import { FileAccessError, fileAccessError } from '../../main/errors.js';
import { encodeEdf } from '../../main/io/edf/index.js';
import { encodeNpy } from '../../main/io/npy.js';
import { assertReadableSource } from '../../main/io/source-file.js';
import { REPO_ROOT, SKIP_NO_DATA, dataFile, hasSharedData } from '../helpers/data.js';
import { sineEdf, writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir('cajal-source-');
const isRoot = process.getuid?.() === 0;
const BIN = join(REPO_ROOT, 'bin', 'cajal.js');
const BUILT = existsSync(join(REPO_ROOT, 'dist', 'main', 'cli', 'main.js'));

/**
 * A FIFO at `path`, and a child that opens it read-write after `unblockAfterMs` and closes it a
 * moment later. Code that (wrongly) opens the FIFO would block its thread forever, taking the test
 * runner with it; the child turns that into a slow, failing test instead of a hung one.
 */
const unblockers: ChildProcess[] = [];
function fifo(path: string, unblockAfterMs = 3000): string {
  execFileSync('mkfifo', [path]);
  const child = spawn('sh', ['-c', `sleep ${unblockAfterMs / 1000}; exec 3<>"$0"; sleep 1`, path], { stdio: 'ignore' });
  unblockers.push(child);
  return path;
}

afterAll(() => {
  for (const child of unblockers) if (child.exitCode === null) child.kill();
  tmp.cleanup();
});

describe('assertReadableSource and fileAccessError', () => {
  it('says what a path is when it is not a regular file', () => {
    const folder = join(tmp.dir, 'plain-folder');
    mkdirSync(folder);
    expect(assertReadableSource(folder, { allowDirectory: true })).toBe('folder');
    expect(() => assertReadableSource(folder)).toThrow(`${folder}: is a directory, not a file`);
    expect(() => assertReadableSource('/dev/null')).toThrow('/dev/null: is a device, not a recording file');
    const file = writeSineEdf(join(tmp.dir, 'ok.edf'), { channels: 1, sampleRateHz: 8, durationS: 1 });
    expect(assertReadableSource(file)).toBe('file');
    const dangling = join(tmp.dir, 'dangling.edf');
    symlinkSync(join(tmp.dir, 'gone.edf'), dangling);
    expect(() => assertReadableSource(dangling)).toThrow(`${dangling}: is a symbolic link to a file that does not exist`);
    expect(() => assertReadableSource(join(file, 'inside.edf'))).toThrow(`${join(file, 'inside.edf')}: a part of the path is a file, not a folder`);
  });

  it('maps fs error codes to words, including those a root test run cannot produce', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: raw`), { code });
    expect(fileAccessError('f', errno('EACCES')).message).toBe('f: permission denied');
    expect(fileAccessError('f', errno('ELOOP')).message).toBe('f: too many levels of symbolic links (a symbolic link loop?)');
    expect(fileAccessError('f', errno('ENAMETOOLONG')).message).toBe('f: file name too long');
    expect(fileAccessError('caf\uFFFD.edf', errno('ENOENT')).message).toBe(
      'caf\uFFFD.edf: cannot read: the file name is not valid UTF-8 (rename the file)',
    );
    expect(fileAccessError('f', errno('EWEIRD')).message).toBe('f: cannot be read (EWEIRD: raw)');
    expect(fileAccessError('f', errno('ELOOP'))).toBeInstanceOf(FileAccessError);
  });
});

describe('importing paths that are not recording files', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'project.cajal'), create: true });
  });
  afterAll(async () => engine.close());

  /** Imports `path` (with the CLI's detailed messages), expects one error line and nothing stored. */
  async function refused(path: string): Promise<{ message: string; elapsedMs: number }> {
    const before = engine.store.recordings.list();
    const started = performance.now();
    const outcome = await engine.importRecordings([path], { detailedFileErrors: true });
    const elapsedMs = performance.now() - started;
    expect(outcome.imported).toEqual([]);
    expect(outcome.errors).toHaveLength(1);
    expect(engine.store.recordings.list()).toEqual(before);
    const message = outcome.errors[0]!.message;
    expect(message).not.toMatch(/internal error|\n/);
    return { message, elapsedMs };
  }

  it.each(['x.edf', 'x.swc'])('refuses a FIFO named %s at once, without opening it', async (name) => {
    const path = fifo(join(tmp.dir, name));
    const { message, elapsedMs } = await refused(path);
    expect(message).toBe(`${path}: is a FIFO (named pipe), not a recording file`);
    expect(elapsedMs).toBeLessThan(1000);
    // Over the API the reason is withheld (it would tell a client which paths exist), but the
    // FIFO is still refused at once and nothing is stored.
    const started = performance.now();
    const outcome = await engine.importRecordings([path]);
    expect(outcome.errors.map((e) => e.message)).toEqual([`cannot read ${path}`]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a device', async () => {
    expect((await refused('/dev/null')).message).toBe('/dev/null: is a device, not a recording file');
  });

  it('refuses a folder that is not a Suite2p plane folder, and still imports one that is', async () => {
    const folder = join(tmp.dir, 'folder.edf');
    mkdirSync(folder);
    expect((await refused(folder)).message).toBe(
      `${folder}: folder is not a recording: the only folders Cajal imports are spike-train folders (spikes.npy, or Kilosort/Phy spike_times.npy with spike_clusters.npy), Suite2p plane folders (with F.npy, or plane0/F.npy) and cohort folders (per-subject ROI files and a phenotype table)`,
    );
    const plane = join(tmp.dir, 'suite2p', 'plane0');
    mkdirSync(plane, { recursive: true });
    const F = { dtype: 'float32' as const, shape: [2, 5], data: new Float32Array([1, 2, 3, 4, 5, 5, 4, 3, 2, 1]) };
    writeFileSync(join(plane, 'F.npy'), encodeNpy(F));
    const outcome = await engine.importRecordings([join(tmp.dir, 'suite2p')]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.imported).toHaveLength(1);
  });

  it('names a symbolic link loop (ELOOP) instead of an internal error', async () => {
    const a = join(tmp.dir, 'loop-a.edf');
    const b = join(tmp.dir, 'loop-b.edf');
    symlinkSync(b, a);
    symlinkSync(a, b);
    expect((await refused(a)).message).toBe(`${a}: too many levels of symbolic links (a symbolic link loop?)`);
  });

  it('names a file name component that is too long (ENAMETOOLONG)', async () => {
    const long = join(tmp.dir, `${'x'.repeat(300)}.edf`);
    expect((await refused(long)).message).toBe(`${long}: file name too long`);
  });

  it('says when a file name is not UTF-8 (a Latin-1 "café.edf" reaches Node as "caf\uFFFD.edf")', async () => {
    const latin1 = Buffer.concat([Buffer.from(join(tmp.dir, 'caf')), Buffer.from([0xe9]), Buffer.from('.edf')]);
    writeFileSync(latin1, sineEdf({ channels: 1, sampleRateHz: 8, durationS: 1 }));
    const asNodeSeesIt = latin1.toString('utf8');
    expect(asNodeSeesIt).toBe(join(tmp.dir, 'caf\uFFFD.edf'));
    expect((await refused(asNodeSeesIt)).message).toBe(`${asNodeSeesIt}: cannot read: the file name is not valid UTF-8 (rename the file)`);
  });

  it.skipIf(isRoot)('refuses a folder and a file of mode 000 as "permission denied"', async () => {
    const locked = join(tmp.dir, 'locked');
    mkdirSync(locked);
    const file = writeSineEdf(join(tmp.dir, 'locked.edf'), { channels: 1, sampleRateHz: 8, durationS: 1 });
    chmodSync(locked, 0o000);
    chmodSync(file, 0o000);
    try {
      expect((await refused(locked)).message).toBe(`${locked}: permission denied`);
      expect((await refused(file)).message).toBe(`${file}: permission denied`);
    } finally {
      chmodSync(locked, 0o755);
      chmodSync(file, 0o644);
    }
  });
  // Run as root (as on CI machines), mode 000 denies nothing: the mapping of EACCES is checked above.
});

describe('cajal info and import on such paths', () => {
  async function cli(...argv: string[]): Promise<{ code: number; err: string[] }> {
    const err: string[] = [];
    const code = await runCli(argv, { out: () => {}, err: (line) => err.push(line) });
    return { code, err };
  }

  it('exits 1 with one line for a FIFO, a folder, a loop and a long name', async () => {
    const pipe = fifo(join(tmp.dir, 'info-fifo.edf'));
    const loop = join(tmp.dir, 'info-loop.edf');
    symlinkSync(loop, loop);
    const long = join(tmp.dir, `${'y'.repeat(300)}.edf`);
    for (const [path, problem] of [
      [pipe, 'is a FIFO (named pipe), not a recording file'],
      [tmp.dir, 'is a directory, not a file'],
      [loop, 'too many levels of symbolic links (a symbolic link loop?)'],
      [long, 'file name too long'],
    ] as const) {
      expect(await cli('info', path)).toEqual({ code: 1, err: [`cajal: ${path}: ${problem}`] });
    }
    const project = join(tmp.dir, 'cli.cajal');
    expect((await cli('init', project)).code).toBe(0);
    const imported = await cli('import', project, pipe);
    expect(imported.code).toBe(1);
    expect(imported.err).toEqual([`cajal: ${pipe}: is a FIFO (named pipe), not a recording file`]);
  });
});

describe('readers opened directly by other commands', () => {
  it('morphology stats, EDF readers (training, detection) refuse a FIFO without opening it', async () => {
    const swc = fifo(join(tmp.dir, 'stats-fifo.swc'));
    const err: string[] = [];
    expect(await runCli(['morphology', 'stats', swc], { out: () => {}, err: (line) => err.push(line) })).toBe(1);
    expect(err).toEqual([`cajal: ${swc}: is a FIFO (named pipe), not a recording file`]);
    const edf = fifo(join(tmp.dir, 'train-fifo.edf'));
    const { EdfReader } = await import('../../main/io/edf/index.js');
    expect(() => EdfReader.open(edf)).toThrow(`${edf}: is a FIFO (named pipe), not a recording file`);
  });
});

/** Runs `command` in sh from the repository root; resolves with its status and both outputs. */
function shell(command: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!BUILT)('the installed bin (dist/, built by npm test)', () => {
  // `set -o pipefail` is not POSIX sh: the status of cajal itself is echoed from inside the pipe.
  const piped = (file: string) => shell(`{ node bin/cajal.js info "$CAJAL_FILE" 2>&1; echo "cajal exited $?" >&2; } | head -1`, { CAJAL_FILE: file });

  it.skipIf(!hasSharedData())('`cajal info <real edf> | head -1` prints one line and no stack trace', async () => {
    const result = await piped(dataFile('eeg', 'bci2000_motor_imagery_64ch_T0T1T2_annotations.edf'));
    expect(result.stdout).toMatch(/^file\s+.*bci2000.*\.edf \(2\.1 MB\)\n$/);
    expect(result.stderr).toBe('cajal exited 0\n');
  });

  it('exits 0 quietly when the reader leaves long before the output ends', async () => {
    // 1 500 channels: a table far larger than a pipe's buffer, so the write after `head` exits fails.
    const wide = join(tmp.dir, 'wide.edf');
    writeFileSync(
      wide,
      encodeEdf({
        dataRecordDurationS: 1,
        recordCount: 1,
        startDateTime: '2024-03-01T09:30:00',
        patient: 'X',
        signals: Array.from({ length: 1500 }, (_, c) => ({
          label: `EEG C${c + 1}`,
          physicalDimension: 'uV',
          physicalMin: -1000,
          physicalMax: 1000,
          samplesPerRecord: 1,
          values: new Float64Array(1),
        })),
      }),
    );
    const result = await piped(wide);
    expect(result.stdout).toMatch(/^file\s+.*wide\.edf/);
    expect(result.stderr).toBe('cajal exited 0\n');
  });

  it('names a non-UTF-8 file name given on the command line', async () => {
    writeFileSync(Buffer.concat([Buffer.from(join(tmp.dir, 'bin-caf')), Buffer.from([0xe9]), Buffer.from('.edf')]), sineEdf({ channels: 1, sampleRateHz: 8, durationS: 1 }));
    // printf turns \351 into the single byte 0xE9: the argument reaches cajal as Latin-1 bytes.
    const result = await shell(`node bin/cajal.js info "$(printf '%s/bin-caf\\351.edf' "$CAJAL_DIR")"`, { CAJAL_DIR: tmp.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`cajal: ${join(tmp.dir, 'bin-caf\uFFFD.edf')}: cannot read: the file name is not valid UTF-8 (rename the file)\n`);
  });
});

if (!hasSharedData()) console.warn(SKIP_NO_DATA);
