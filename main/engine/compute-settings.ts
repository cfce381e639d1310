/**
 * Which compute backend the project uses: automatic (the DESIGN.md chain) unless the user forced
 * one, by a flag for this session or by a setting stored in the project.
 */
import type { BackendName, BackendReport } from '../../shared/api/index.js';
import { selectBackend } from '../compute/index.js';
import type { SettingsRepository } from '../store/settings.js';

const SETTING_KEY = 'compute.backend';

export class ComputeSettings {
  constructor(
    private readonly settings: SettingsRepository,
    private readonly sessionForced: BackendName | null,
  ) {}

  /** The forced backend in effect: the session flag wins over the project setting. */
  get forced(): BackendName | null {
    return this.sessionForced ?? this.settings.get<BackendName>(SETTING_KEY) ?? null;
  }

  setProjectBackend(backend: BackendName | null): void {
    this.settings.set(SETTING_KEY, backend);
  }

  report(): Promise<BackendReport> {
    return selectBackend({ forced: this.forced });
  }
}
