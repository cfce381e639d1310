/**
 * How a domain declares its part of the API: `domainApi(id, calls)` names the domain and checks
 * that every call carries its prefix (`eeg.page`, `fisbe.slice`), at compile time and at load.
 * `shared/api/domains.ts` lists the domains' API modules, one line each; `contract.ts` merges every
 * `DomainApi` exported from there into the contract, so adding a domain's calls touches no hub.
 */
import type { z } from 'zod';

/** One call: the schema of its params and of its result. */
export interface CallSpec {
  params: z.ZodTypeAny;
  result: z.ZodTypeAny;
}
export type CallTable = Readonly<Record<string, CallSpec>>;

/** What marks a value as a domain's API among the other exports of its module (schemas, types). */
const DOMAIN_API = 'cajal.domain-api';

export interface DomainApi<Id extends string = string, C extends CallTable = CallTable> {
  readonly kind: typeof DOMAIN_API;
  /** The domain id: its folders, API prefix, CLI verb, view and pipeline prefix. */
  readonly id: Id;
  readonly calls: C;
}

/** Maps every call whose name lacks the `<id>.` prefix to `never`, so the table does not type-check. */
type Prefixed<Id extends string, C> = { [K in keyof C]: K extends `${Id}.${string}` ? C[K] : never };

export function domainApi<const Id extends string, const C extends CallTable>(id: Id, calls: C & Prefixed<Id, C>): DomainApi<Id, C> {
  for (const name of Object.keys(calls)) {
    if (!name.startsWith(`${id}.`)) throw new Error(`API call "${name}" of domain "${id}" must start with "${id}."`);
  }
  return { kind: DOMAIN_API, id, calls };
}

export function isDomainApi(value: unknown): value is DomainApi {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === DOMAIN_API;
}

/** `A | B | C` → `A & B & C`: the merged call table of several domains. */
export type Merged<U> = (U extends unknown ? (whole: U) => void : never) extends (whole: infer I) => void ? I : never;
