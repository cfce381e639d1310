/** The machine's user name: who signs annotations and review decisions. */
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDir, MachineSettings } from '../../main/config/machine-settings.js';
import { createHandlers, Engine } from '../../main/engine/index.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

describe('machine settings', () => {
  it('live in the platform’s configuration folder, or CAJAL_CONFIG_DIR', () => {
    expect(configDir({ CAJAL_CONFIG_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    expect(configDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/cajal');
    expect(configDir({}, 'darwin')).toMatch(/Library\/Application Support\/Cajal$/);
    expect(configDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Cajal$/);
  });

  it('default to the OS account, keep a set name, and go back to the account on reset', () => {
    const tmp = tempDir('cajal-machine-');
    try {
      const settings = new MachineSettings(join(tmp.dir, 'cfg'));
      expect(settings.userName()).toEqual({ name: userInfo().username, fromSystem: true });
      expect(settings.setUserName('  Dr. Ada Lovelace ')).toEqual({ name: 'Dr. Ada Lovelace', fromSystem: false });
      expect(new MachineSettings(join(tmp.dir, 'cfg')).userName().name).toBe('Dr. Ada Lovelace');
      expect(() => settings.setUserName('two\nlines')).toThrow(/name: expected a name of 1 to 200 characters on one line/);
      expect(() => settings.setUserName('   ')).toThrow(/name:/);
      // Other keys of the file are kept; a reset drops only the name.
      writeFileSync(settings.path, JSON.stringify({ userName: 'A', theme: 'dark' }));
      expect(settings.setUserName(null)).toEqual({ name: userInfo().username, fromSystem: true });
      expect(JSON.parse(readFileSync(settings.path, 'utf8'))).toEqual({ theme: 'dark' });
      // A damaged file is no settings, not a failure.
      writeFileSync(settings.path, '{ not json');
      expect(settings.userName().fromSystem).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('the set name signs annotations, through the API', async () => {
    const tmp = tempDir('cajal-machine-engine-');
    const engine = await Engine.open({ projectPath: join(tmp.dir, 'p.cajal'), machine: new MachineSettings(join(tmp.dir, 'cfg')) });
    try {
      const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
      const { imported } = await engine.importRecordings([writeSineEdf(join(tmp.dir, 'a.edf'), { channels: 2, sampleRateHz: 128, durationS: 10 })]);
      expect(await handlers['settings.setUser']({ name: 'Dr. B' })).toEqual({ name: 'Dr. B', fromSystem: false });
      const added = await handlers['eeg.addAnnotation']({ recordingId: imported[0]!.id, onsetS: 1, durationS: 0, text: 'spike' });
      expect(added.author).toBe('Dr. B');
      expect(await handlers['settings.user']({})).toEqual({ name: 'Dr. B', fromSystem: false });
    } finally {
      await engine.close();
      tmp.cleanup();
    }
  });
});
