/**
 * Every domain, from `list.ts`, and what the engine and the CLI do with them: open their services
 * for a project, collect their API handlers, their pipelines and their CLI commands.
 */
import type { CallTable } from '../../shared/api/index.js';
import { DOMAIN_LIST } from './list.js';
import type { CallHandlers, CliCommand, DomainContext, DomainModule } from './types.js';

export type Domain = (typeof DOMAIN_LIST)[number];
export type DomainId = Domain['id'];

export const DOMAINS: readonly Domain[] = DOMAIN_LIST;

type ServiceOf<D> = D extends DomainModule<string, CallTable, infer S> ? S : never;
/** Each domain's per-project service by id (`services.eeg` is the EEG review). */
export type DomainServices = { [D in Domain as D['id']]: ServiceOf<D> };

/** The services of every domain for one open project, with their handlers. */
export interface OpenDomains {
  readonly services: DomainServices;
  /** Every domain's API handlers, by call name. */
  readonly handlers: Readonly<Record<string, CallHandlers<CallTable>[string]>>;
  close(): void;
}

/**
 * The domains as written are typed one by one; looping over them needs one shape. The loop only
 * passes each domain's own service back to that domain, which is what makes the widening safe.
 */
const asModules = DOMAINS as readonly DomainModule[];

export function openDomains(context: DomainContext): OpenDomains {
  const services: Record<string, unknown> = {};
  const handlers: Record<string, CallHandlers<CallTable>[string]> = {};
  for (const domain of asModules) {
    const service = domain.open(context);
    services[domain.id] = service;
    Object.assign(handlers, domain.handlers(service, context));
  }
  return {
    services: services as DomainServices,
    handlers,
    close() {
      for (const domain of asModules) domain.close?.(services[domain.id]);
    },
  };
}

/** The pipeline modules of every domain, in list order. */
export function domainPipelineUrls(): string[] {
  return asModules.flatMap((domain) => domain.pipelines);
}

/** Every domain's CLI commands. */
export function domainCommands(): readonly CliCommand[] {
  return asModules.flatMap((domain) => domain.cli);
}

export type { CallHandlers, CliCommand, CliContext, DomainContext, DomainModule, ImportOptions, ImportOutcome, ProjectSession, VerbUsage } from './types.js';
