/**
 * Settings of this machine's user, beside any project: the name written as the author of
 * annotations and seizure decisions (a clinician signs their review once, not the OS account,
 * which is often a shared or service one). One small JSON file in the user's configuration folder:
 * `$CAJAL_CONFIG_DIR`, else `$XDG_CONFIG_HOME/cajal` (`~/.config/cajal`), `~/Library/Application
 * Support/Cajal` on macOS, `%APPDATA%\Cajal` on Windows.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { writeFileAtomically } from '../io/write-target.js';

/** Where the settings file lives, by platform (see the module comment). */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.CAJAL_CONFIG_DIR) return env.CAJAL_CONFIG_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Cajal');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Cajal');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'cajal');
}

const SettingsFile = z
  .object({
    userName: z.string().min(1).max(200).optional(),
    /** Project files opened on this machine, most recent first. */
    recentProjects: z.array(z.string()).max(50).optional(),
  })
  .passthrough();

/** How many recent projects are kept. */
export const RECENT_PROJECTS = 10;
type SettingsFile = z.infer<typeof SettingsFile>;

export interface UserName {
  name: string;
  /** true: the OS account's name, because none was set. */
  fromSystem: boolean;
}

/** A name fit to sign with: trimmed, one line, 1–200 characters. */
export function checkUserName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new ValidationError('name', 'expected a name of 1 to 200 characters on one line');
  }
  return trimmed;
}

export class MachineSettings {
  constructor(private readonly folder: string = configDir()) {}

  get path(): string {
    return join(this.folder, 'settings.json');
  }

  /** What the file says; a missing or unreadable file is no settings (the defaults apply). */
  private read(): SettingsFile {
    try {
      const parsed = SettingsFile.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  userName(): UserName {
    const set = this.read().userName;
    if (set) return { name: set, fromSystem: false };
    let system = '';
    try {
      system = userInfo().username;
    } catch {
      // (no passwd entry for this uid, as in some containers)
    }
    return { name: system || 'unknown', fromSystem: true };
  }

  /** Sets the name (null: back to the OS account's), keeping anything else in the file. */
  setUserName(name: string | null): UserName {
    const { userName: _previous, ...rest } = this.read();
    this.write(name === null ? rest : { ...rest, userName: checkUserName(name) });
    return this.userName();
  }

  recentProjects(): string[] {
    return this.read().recentProjects ?? [];
  }

  /**
   * Puts a project first in the recent list. A settings folder that cannot be written (read-only
   * home, full disk) costs the list, never the opening of the project.
   */
  rememberProject(path: string): void {
    const settings = this.read();
    const recent = [path, ...(settings.recentProjects ?? []).filter((known) => known !== path)].slice(0, RECENT_PROJECTS);
    try {
      this.write({ ...settings, recentProjects: recent });
    } catch {
      // (see above)
    }
  }

  private write(settings: SettingsFile): void {
    mkdirSync(this.folder, { recursive: true });
    writeFileAtomically(this.path, `${JSON.stringify(settings, null, 2)}\n`, { overwrite: true, field: 'settings' });
  }
}
