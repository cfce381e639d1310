/**
 * Issue #15: the engine never writes over a project file, a source recording or (unasked) an
 * existing file, and writes only regular files, atomically. Exercised through the export calls'
 * implementations, the write-target module itself, the CLI's --out, and the import's messages.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/index.js';
import { runCli } from '../../main/cli/main.js';
import { Engine } from '../../main/engine/index.js';
import { ConflictError, FileAccessError, ValidationError } from '../../main/errors.js';
import { checkWriteTarget, projectFilePaths, writeFileAtomically, writeThroughTemporary } from '../../main/io/write-target.js';
import { checkModelFolder } from '../../main/pipelines/seizure/neural/index.js';
import { Store } from '../../main/store/index.js';
import { exportWithOverwrite } from '../../renderer/src/components/exportWithOverwrite.js';
import { sineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

describe('exports refuse what they must never write', () => {
  const tmp = tempDir();
  const projectPath = join(tmp.dir, 'study.cajal');
  const edfPath = join(tmp.dir, 'source.edf');
  let engine: Engine;
  let recordingId: number;
  let projectBytes: Buffer;
  const exportTo = (path: string, overwrite?: boolean) =>
    engine.services.eeg.exportAnnotations(recordingId, 'bids-events', path, overwrite === undefined ? {} : { overwrite });

  beforeAll(async () => {
    writeFileSync(edfPath, sineEdf({ channels: 2, sampleRateHz: 64, durationS: 10 }));
    engine = await Engine.open({ projectPath, create: true, maxConcurrent: 1 });
    const outcome = await engine.importRecordings([edfPath]);
    recordingId = outcome.imported[0]!.id;
    engine.services.eeg.addAnnotation(recordingId, 2, 1, 'spike');
    projectBytes = readFileSync(projectPath);
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  /** After every refusal: nothing changed on disk, no temporary left, the project still answers. */
  function expectUntouched(): void {
    expect(readFileSync(projectPath).equals(projectBytes)).toBe(true);
    expect(readdirSync(tmp.dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(engine.store.recordings.list()).toHaveLength(1);
  }

  it('refuses the open project file and its -wal / -shm / -journal', () => {
    expect(() => exportTo(projectPath)).toThrow(`path: ${projectPath} is the open project's file; Cajal never writes over project files`);
    expect(statSync(`${projectPath}-wal`).isFile()).toBe(true); // WAL mode: it exists while open
    for (const suffix of ['-wal', '-shm', '-journal']) expect(() => exportTo(`${projectPath}${suffix}`)).toThrow(/never writes over project files/);
    expectUntouched();
  });

  it('refuses the open project under a name without .cajal, by identity, and its companions by name', () => {
    // The project check does not rest on the suffix: a project renamed "study.db" is still refused.
    const guarded = projectFilePaths(projectPath);
    const hardLink = join(tmp.dir, 'project-hard-link');
    linkSync(projectPath, hardLink);
    expect(() => checkWriteTarget(hardLink, { overwrite: true, protectedPaths: guarded })).toThrow(/is the open project's file/);
    const link = join(tmp.dir, 'project-link');
    symlinkSync(projectPath, link);
    expect(() => checkWriteTarget(link, { overwrite: true, protectedPaths: guarded })).toThrow(/is the open project's file/);
    expectUntouched();
  });

  it('refuses any other SQLite database (by its header) and any *.cajal, even with overwrite', () => {
    const other = join(tmp.dir, 'other.cajal');
    Store.open(other).close();
    const otherBytes = readFileSync(other);
    expect(() => exportTo(other, true)).toThrow(/never writes over project files/);
    expect(readFileSync(other).equals(otherBytes)).toBe(true);
    const renamed = join(tmp.dir, 'results.db');
    Store.open(renamed).close();
    expect(readFileSync(renamed, 'latin1').startsWith(SQLITE_MAGIC)).toBe(true);
    expect(() => exportTo(renamed, true)).toThrow(`path: ${renamed} is an SQLite database (a project file?); Cajal never writes over project files`);
    expect(() => exportTo(`${renamed}-wal`, true)).toThrow(`is the -wal file of the SQLite database ${renamed}`);
    expect(() => exportTo(join(tmp.dir, 'new.cajal'))).toThrow(/named like a Cajal project file/);
    const reopened = Store.open(renamed, { create: false });
    expect(reopened.recordings.list()).toEqual([]);
    reopened.close();
    expectUntouched();
  });

  it('refuses a source recording, directly, through a symlink, a hard link or a symlinked folder', () => {
    const before = readFileSync(edfPath);
    const symlink = join(tmp.dir, 'source-link.edf');
    symlinkSync(edfPath, symlink);
    const hardLink = join(tmp.dir, 'source-hard.edf');
    linkSync(edfPath, hardLink);
    const folderLink = join(tmp.dir, 'folder-link');
    symlinkSync(tmp.dir, folderLink);
    for (const path of [edfPath, symlink, hardLink, join(folderLink, 'source.edf')]) {
      expect(() => exportTo(path, true)).toThrow(`path: ${path} is a source recording; Cajal never overwrites sources`);
    }
    expect(readFileSync(edfPath).equals(before)).toBe(true);
    expectUntouched();
  });

  it('refuses an existing file without overwrite (byte for byte unchanged), replaces it atomically with', () => {
    const existing = join(tmp.dir, 'events.tsv');
    writeFileSync(existing, 'my own notes\n', { mode: 0o600 });
    const inodeBefore = statSync(existing).ino;
    let refusal: unknown;
    try {
      exportTo(existing);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ConflictError);
    expect((refusal as ConflictError).code).toBe('conflict');
    expect((refusal as Error).message).toBe(`${existing} exists; choose overwrite to replace it`);
    expect(readFileSync(existing, 'utf8')).toBe('my own notes\n');

    const result = exportTo(existing, true);
    expect(result).toEqual({ path: existing, count: 1 });
    expect(readFileSync(existing, 'utf8')).toBe('onset\tduration\ttrial_type\n2\t1\tspike\n');
    // Renamed into place: a new inode, never the old file truncated and rewritten.
    expect(statSync(existing).ino).not.toBe(inodeBefore);
    expect(statSync(existing).mode & 0o777).toBe(0o600); // a private file stays private
    expectUntouched();
  });

  it('writes a new file and leaves no temporary behind when the write fails', () => {
    const fresh = join(tmp.dir, 'fresh.tsv');
    expect(exportTo(fresh)).toEqual({ path: fresh, count: 1 });
    const failing = join(tmp.dir, 'failing.bin');
    expect(() =>
      writeFileAtomically(failing, () => {
        throw new Error('disk full (simulated)');
      }),
    ).toThrow('disk full (simulated)');
    expect(() => statSync(failing)).toThrow();
    // Without replace, a target that appears while writing is not clobbered (link, not rename).
    writeFileSync(failing, 'appeared meanwhile');
    expect(() => writeThroughTemporary(failing, 'late', { replace: false })).toThrow(ConflictError);
    expect(readFileSync(failing, 'utf8')).toBe('appeared meanwhile');
    expectUntouched();
  });

  it('refuses folders, devices, FIFOs, sockets, /proc, /sys, /dev, a missing folder, relative paths and NUL', async () => {
    const folder = join(tmp.dir, 'a-folder');
    mkdirSync(folder);
    const fifo = join(tmp.dir, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    const socketPath = join(tmp.dir, 'a-socket');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const nullLink = join(tmp.dir, 'null-link');
    symlinkSync('/dev/null', nullLink);
    const environLink = join(tmp.dir, 'environ-link');
    symlinkSync('/proc/self/environ', environLink); // a regular file, in procfs
    const procFolderLink = join(tmp.dir, 'proc-link');
    symlinkSync('/proc/self', procFolderLink);
    try {
      const cases: [string, RegExp][] = [
        [folder, /a-folder is a folder, not a file/],
        [`${join(tmp.dir, 'new-name')}/`, /new-name is a folder, not a file/],
        ['/dev/null', /\/dev\/null is a system or device path/],
        ['/proc/self/environ', /\/proc\/self\/environ is a system or device path/],
        ['/sys/kernel/notes', /is a system or device path/],
        [join(procFolderLink, 'environ'), /is a system or device path \(\/proc\/\d+\/environ\)/],
        [nullLink, /null-link is a device; Cajal writes only regular files/],
        [environLink, /environ-link points to \/proc\/\d+\/environ, a system or device path/],
        [fifo, /a-fifo is a FIFO \(named pipe\); Cajal writes only regular files/],
        [socketPath, /a-socket is a socket; Cajal writes only regular files/],
        [join(tmp.dir, 'no-such-folder', 'events.tsv'), new RegExp(`events\\.tsv: its folder ${tmp.dir}/no-such-folder does not exist`)],
        ['events.tsv', /path: events\.tsv is a relative path; give an absolute path/],
        [join(tmp.dir, 'nul\0.tsv'), /contains a NUL character/],
      ];
      for (const [path, message] of cases) {
        let refusal: unknown;
        try {
          exportTo(path, true);
        } catch (error) {
          refusal = error;
        }
        expect(refusal, path).toBeDefined();
        expect(refusal instanceof ValidationError || refusal instanceof FileAccessError, path).toBe(true);
        expect((refusal as Error).message, path).toMatch(message);
        expect((refusal as Error).message).not.toContain('\n');
      }
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(statSync(folder).isDirectory()).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expectUntouched();
  });

  it('applies the same rules to the seizure export', () => {
    expect(() => engine.services.seizure.export(1, 'bids-events', projectPath)).toThrow(/never writes over project files/);
    expect(() => engine.services.seizure.export(1, 'szcore-tsv', edfPath, { overwrite: true })).toThrow(/never overwrites sources/);
    expect(() => engine.services.seizure.export(1, 'szcore-tsv', 'relative.tsv')).toThrow(/relative path/);
    expectUntouched();
  });

  it('refuses a model folder that is a project, misses its parent, or holds a model (without overwrite)', () => {
    expect(() => checkModelFolder(projectPath)).toThrow(/is not a folder/);
    expect(() => checkModelFolder(join(tmp.dir, 'no-such', 'model'))).toThrow(/does not exist/);
    const models = join(tmp.dir, 'models');
    mkdirSync(models);
    expect(checkModelFolder(models).files).toEqual([join(models, 'model.json'), join(models, 'group1-shard1of1.bin')]);
    writeFileSync(join(models, 'model.json'), '{}');
    expect(() => checkModelFolder(models)).toThrow(/model\.json exists; choose overwrite/);
    expect(() => checkModelFolder(models, { overwrite: true })).not.toThrow();
    expect(() => checkModelFolder(join(tmp.dir, 'x.cajal'))).toThrow(/named like a Cajal project file/);
  });

  it('after every refused attempt the project reopens with its rows intact', async () => {
    await engine.close();
    engine = await Engine.open({ projectPath, create: false, maxConcurrent: 1 });
    expect(engine.store.recordings.list().map((r) => r.sourcePath)).toEqual([edfPath]);
    expect(engine.services.eeg.annotations(recordingId).map((a) => a.text)).toEqual(['spike']);
  });
});

describe('the CLI writes --out by the same rules', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  };
  const SWC = '1 1 0 0 0 1 -1\n2 3 0 5 0 0.5 1\n3 3 0 10 0 0.5 2\n';

  it('morphology stats --out: refuses an existing file unless --overwrite, and never an input', async () => {
    const swc = join(tmp.dir, 'cell.swc');
    writeFileSync(swc, SWC);
    const csv = join(tmp.dir, 'stats.csv');
    writeFileSync(csv, 'keep me');
    const refused = await cli('morphology', 'stats', swc, '--out', csv);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual([`cajal: ${csv} exists; add --overwrite to replace it`]);
    expect(refused.out).toEqual([]); // refused before any work
    expect(readFileSync(csv, 'utf8')).toBe('keep me');
    const replaced = await cli('morphology', 'stats', swc, '--out', csv, '--overwrite');
    expect(replaced.code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toMatch(/^[^\n]*\n/);
    expect(readFileSync(csv, 'utf8')).not.toBe('keep me');
    const input = await cli('morphology', 'stats', swc, '--out', swc, '--overwrite');
    expect(input.err).toEqual([`cajal: --out: ${swc} is an input of this command; Cajal never overwrites its inputs`]);
    expect(readFileSync(swc, 'utf8')).toBe(SWC);
  });

  it('seizure detect --out: refuses the project and its sources before running anything', async () => {
    const project = join(tmp.dir, 'p.cajal');
    const edf = join(tmp.dir, 'r.edf');
    writeFileSync(edf, sineEdf({ channels: 2, sampleRateHz: 64, durationS: 10 }));
    expect((await cli('init', project)).code).toBe(0);
    expect((await cli('import', project, edf)).code).toBe(0);
    const bytes = readFileSync(project);
    const intoProject = await cli('seizure', 'detect', project, '1', '--detector', 'classical', '--out', project, '--overwrite');
    expect(intoProject.code).toBe(1);
    expect(intoProject.err[0]).toMatch(/never writes over project files/);
    const intoSource = await cli('seizure', 'detect', project, '1', '--detector', 'classical', '--out', edf, '--overwrite');
    expect(intoSource.err).toEqual([`cajal: --out: ${edf} is a source recording; Cajal never overwrites sources`]);
    expect(readFileSync(project).equals(bytes)).toBe(true);
    expect((await cli('runs', project)).out.join('\n')).toMatch(/no runs yet/);
  });

  it('cajal init never clobbers an existing file', async () => {
    const notes = join(tmp.dir, 'notes.txt');
    writeFileSync(notes, 'precious');
    const result = await cli('init', notes);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/already exists/);
    expect(readFileSync(notes, 'utf8')).toBe('precious');
  });
});

describe('imports do not tell an API client which paths exist', () => {
  const tmp = tempDir();
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.open({ projectPath: join(tmp.dir, 'i.cajal'), create: true, maxConcurrent: 1 });
  });
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('reads "cannot read <path>" for a missing path and an unreadable one alike; the CLI may say why', async () => {
    const file = join(tmp.dir, 'a-file.txt');
    writeFileSync(file, 'x');
    const missing = join(tmp.dir, 'missing.edf');
    const throughFile = join(file, 'child.edf'); // ENOTDIR: "a-file.txt exists and is a file"
    const { errors } = await engine.importRecordings([missing, throughFile]);
    expect(errors.map((e) => e.message)).toEqual([`cannot read ${missing}`, `cannot read ${throughFile}`]);
    const detailed = await engine.importRecordings([missing], { detailedFileErrors: true });
    expect(detailed.errors[0]!.message).toBe(`${missing}: no such file`);
  });
});

describe('the export panels ask before replacing a file', () => {
  it('retries with overwrite only when the user confirms a conflict', async () => {
    const calls: boolean[] = [];
    const questions: string[] = [];
    const run = async (overwrite: boolean) => {
      calls.push(overwrite);
      if (!overwrite) throw new ApiError('conflict', '/x/e.tsv exists; choose overwrite to replace it');
      return 'written';
    };
    expect(await exportWithOverwrite('/x/e.tsv', run, (q) => (questions.push(q), true))).toBe('written');
    expect(calls).toEqual([false, true]);
    expect(questions).toEqual(['Replace /x/e.tsv? It already exists.']);
    calls.length = 0;
    expect(await exportWithOverwrite('/x/e.tsv', run, () => false)).toBeNull();
    expect(calls).toEqual([false]);
    const refused = async () => {
      throw new ApiError('validation', 'path: /x/p.cajal is named like a Cajal project file');
    };
    await expect(exportWithOverwrite('/x/p.cajal', refused, () => true)).rejects.toThrow(/project file/);
  });
});
