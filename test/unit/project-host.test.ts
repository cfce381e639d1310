/** Switching a window's project: New, Open, Recent, and what is refused. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MachineSettings } from '../../main/config/machine-settings.js';
import { Engine, ProjectHost, type HostEvent } from '../../main/engine/index.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

describe('ProjectHost', () => {
  const tmp = tempDir('cajal-host-');
  const machine = new MachineSettings(join(tmp.dir, 'cfg'));
  let first: Engine | undefined;
  let host: ProjectHost | undefined;
  afterEach(async () => {
    await host?.close();
    await first?.close();
  });

  const start = async () => {
    first = await Engine.open({ projectPath: join(tmp.dir, `a-${Date.now()}.cajal`), machine });
    host = new ProjectHost(first, { transport: 'bridge', nativeFileDialog: false });
    const events: HostEvent[] = [];
    host.subscribe((event) => events.push(event));
    return { first, host, events };
  };

  it('creates a project, opens another, remembers both, and routes calls and events to the open one', async () => {
    const { first, host, events } = await start();
    const second = join(tmp.dir, 'b.cajal');
    const info = await host.handlers['project.create']({ path: second });
    expect(info.path).toBe(second);
    expect(host.engine.projectPath).toBe(second);
    expect(events).toContainEqual({ name: 'project.changed', payload: { path: second } });
    // The first engine is closed; calls now reach the second project.
    expect(() => first.store.recordings.list()).toThrow();
    const edf = writeSineEdf(join(tmp.dir, 's.edf'), { channels: 2, sampleRateHz: 128, durationS: 4 });
    await host.handlers['recordings.import']({ paths: [edf] });
    expect(events.some((event) => event.name === 'recordings.changed')).toBe(true);
    expect(await host.handlers['project.recent']({})).toEqual({ paths: [second, first.projectPath], current: second });
    await host.handlers['project.open']({ path: first.projectPath });
    expect(await host.handlers['recordings.list']({})).toEqual([]);
    expect((await host.handlers['project.recent']({})).paths[0]).toBe(first.projectPath);
  });

  it('opens only existing Cajal projects, and creates only where no file is', async () => {
    const { host } = await start();
    const empty = join(tmp.dir, 'empty.cajal');
    writeFileSync(empty, '');
    const foreign = join(tmp.dir, 'other.sqlite');
    new Database(foreign).exec('CREATE TABLE t (x)');
    const edf = writeSineEdf(join(tmp.dir, 'r.edf'), { channels: 1, sampleRateHz: 64, durationS: 2 });
    await expect(host.open(empty)).rejects.toThrow(`${empty}: not a Cajal project file`);
    await expect(host.open(foreign)).rejects.toThrow(/not a Cajal project file/);
    await expect(host.open(edf)).rejects.toThrow(/not a Cajal project file/);
    await expect(host.open(join(tmp.dir, 'missing.cajal'))).rejects.toThrow(/no such project file/);
    await expect(host.open('relative.cajal')).rejects.toThrow(/path: expected an absolute path/);
    await expect(host.create(empty)).rejects.toThrow(/already exists/);
    await expect(host.create(join(tmp.dir, 'x.txt'))).rejects.toThrow(/ends with \.cajal/);
    // Nothing was turned into a project on the way.
    const { statSync } = await import('node:fs');
    expect(statSync(empty).size).toBe(0);
  });

  it('refuses to switch while a run is in progress', async () => {
    const { host } = await start();
    const edf = writeSineEdf(join(tmp.dir, 'long.edf'), { channels: 4, sampleRateHz: 256, durationS: 600 });
    const [recording] = (await host.engine.importRecordings([edf])).imported;
    const run = host.engine.runner.start('rms', recording!.id, {});
    await expect(host.create(join(tmp.dir, 'c.cajal'))).rejects.toThrow(new RegExp(`still in progress \\(#${run.id}\\)`));
    await host.engine.runner.idle();
  });

  it('says so when the host cannot switch (the CLI has no window)', async () => {
    const engine = await Engine.open({ projectPath: join(tmp.dir, 'cli.cajal'), machine });
    try {
      const { createHandlers } = await import('../../main/engine/index.js');
      const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
      expect(() => handlers['project.recent']({})).toThrow('this window cannot switch projects');
    } finally {
      await engine.close();
    }
  });
});
