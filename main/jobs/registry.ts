/**
 * Pipelines known to the runner. The main thread imports a definition to validate params before a
 * run is queued; the worker imports the same module by URL to run it.
 */
import { RecordingKind, type PipelineInfo } from '../../shared/api/index.js';
import { NotFoundError } from '../errors.js';
import type { PipelineDefinition } from './pipeline.js';

export interface RegisteredPipeline {
  definition: PipelineDefinition<unknown>;
  /** URL the worker imports; its default export is `definition`. */
  moduleUrl: string;
}

export class PipelineRegistry {
  private readonly entries = new Map<string, RegisteredPipeline>();
  /** Former name → current name. */
  private readonly formerNames = new Map<string, string>();

  /** Imports `moduleUrl` (a module whose default export is a PipelineDefinition) and registers it. */
  async register(moduleUrl: string): Promise<void> {
    const module = (await import(moduleUrl)) as { default?: PipelineDefinition<unknown> };
    const definition = module.default;
    if (!definition || typeof definition.run !== 'function' || !definition.name) {
      throw new Error(`${moduleUrl} does not export a pipeline definition as default`);
    }
    // Two modules under one name would make stored runs ambiguous: which one re-runs them?
    for (const name of [definition.name, ...(definition.formerNames ?? [])]) {
      const taken = this.entries.get(this.formerNames.get(name) ?? name);
      if (taken && taken.moduleUrl !== moduleUrl) throw new Error(`pipeline name "${name}" of ${moduleUrl} is taken by ${taken.moduleUrl}`);
    }
    this.entries.set(definition.name, { definition, moduleUrl });
    for (const former of definition.formerNames ?? []) this.formerNames.set(former, definition.name);
  }

  /** A pipeline by its name or a former one (the entry's definition holds the current name). */
  get(name: string): RegisteredPipeline {
    const entry = this.entries.get(this.formerNames.get(name) ?? name);
    if (!entry) throw new NotFoundError(`pipeline "${name}"`, `known: ${[...this.entries.keys()].join(', ') || 'none'}`);
    return entry;
  }

  list(): PipelineInfo[] {
    return [...this.entries.values()].map(({ definition }) => ({
      name: definition.name,
      title: definition.title,
      description: definition.description,
      input: definition.input,
      recordingKinds: [...(definition.recordingKinds ?? (definition.input === 'none' ? [] : RecordingKind.options))],
    }));
  }
}

/**
 * URL of a module beside `base`, with the extension `base` has: `.ts` when running from source
 * (tests, tsx), `.js` when running the build.
 */
export function siblingModuleUrl(base: string, relativeWithoutExtension: string): string {
  const extension = base.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativeWithoutExtension}${extension}`, base).href;
}

/** Pipelines that belong to no domain: they work on any signal recording. */
const CORE_PIPELINES = [siblingModuleUrl(import.meta.url, '../pipelines/rms/index')];

/**
 * The pipelines shipped with Cajal: the core ones and those the domains contribute
 * (`domainPipelineUrls()` of main/domains; passed in, as the job runner sits below the domains).
 */
export async function builtinPipelines(domainPipelines: readonly string[]): Promise<PipelineRegistry> {
  const registry = new PipelineRegistry();
  for (const url of [...CORE_PIPELINES, ...domainPipelines]) await registry.register(url);
  return registry;
}
