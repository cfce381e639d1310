/**
 * A fuzz campaign: for each kind, the unmutated seeds first (controls: they must be accepted
 * correctly, or the invariants are wrong), then N seeded mutations, each in its own folder under
 * `tmp`, removed once judged. Kinds run `jobs` at a time, each in its own child process.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deriveSeed, seededRandom } from '../../../shared/random.js';
import { CASE_CLASSES, classify, type CaseClass } from './invariants.js';
import { casesFor, FUZZ_KINDS, layOutSeed, prepareCase, seedsFor, type FuzzKind, type PreparedCase } from './mutate.js';
import { ReaderChild } from './run-case.js';

export interface CampaignOptions {
  kinds: readonly FuzzKind[];
  /** Mutated cases per kind (fewer for the slow kinds: see casesFor). */
  cases: number;
  baseSeed: number;
  /** ../shared/data */
  data: string;
  /** An empty folder for the cases. */
  tmp: string;
  /** Kinds run at once (each is one child process). */
  jobs: number;
  derivedEdf?: readonly string[];
  timeoutMs?: number;
  rssLimitBytes?: number;
  log?: (line: string) => void;
}

export interface CaseRecord {
  kind: FuzzKind;
  index: number;
  seed: string;
  mutation: string;
  cls: CaseClass;
  reason: string;
  elapsedMs: number;
  /** The error line, for errors; the first lines of its stack for unclear ones (where to look). */
  message?: string;
  stack?: string;
}

export interface KindReport {
  kind: FuzzKind;
  seeds: string[];
  tried: number;
  counts: Record<CaseClass, number>;
  /** Every case that is neither a clear error nor accepted correctly. */
  problems: CaseRecord[];
  /** Every case, good ones included (for reading what the readers say). */
  cases: CaseRecord[];
  /** Unmutated seeds that were not accepted correctly (must be none). */
  controlFailures: CaseRecord[];
  seconds: number;
  childrenStarted: number;
  /** Set when the reader's child could not be started (its modules do not load): no case ran. */
  error?: string;
}

async function runKind(kind: FuzzKind, options: CampaignOptions): Promise<KindReport> {
  const started = performance.now();
  const kindIndex = FUZZ_KINDS.indexOf(kind);
  const seeds = seedsFor(kind, options.data, options.derivedEdf ?? []);
  const counts = Object.fromEntries(CASE_CLASSES.map((cls) => [cls, 0])) as Record<CaseClass, number>;
  const report: KindReport = { kind, seeds: seeds.map((s) => s.name), tried: 0, counts, problems: [], cases: [], controlFailures: [], seconds: 0, childrenStarted: 0 };
  if (!seeds.length) return report;
  const child = new ReaderChild({ kind, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), ...(options.rssLimitBytes ? { rssLimitBytes: options.rssLimitBytes } : {}) });
  // A child that cannot load its reader (a module mid-edit) gets two more tries, then the kind is
  // reported as not run rather than as hundreds of crashes.
  for (let attempt = 1; ; attempt++) {
    try {
      await child.start();
      break;
    } catch (error) {
      if (attempt === 3) {
        report.error = error instanceof Error ? error.message : String(error);
        report.seconds = Math.round((performance.now() - started) / 100) / 10;
        options.log?.(`${kind}: not run: ${report.error}`);
        return report;
      }
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
  try {
    for (const [s, seed] of seeds.entries()) {
      const dir = join(options.tmp, `${kind}-control-${s}`);
      mkdirSync(dir, { recursive: true });
      try {
        const path = layOutSeed(kind, seed, dir);
        const mutation = { description: 'unchanged' };
        let result;
        try {
          result = await child.run(path, { seed: deriveSeed(options.baseSeed, kindIndex, 1_000_000 + s) });
        } catch (error) {
          report.error = `stopped at control ${seed.name}: ${error instanceof Error ? error.message : String(error)}`;
          return report;
        }
        const verdict = classify(result, { kind, path, caseDir: dirname(path), mutation });
        if (verdict.cls !== 'accepted-correctly') {
          const reason = result.outcome === 'error' ? `${verdict.reason || 'refused'}: ${result.message}` : verdict.reason;
          report.controlFailures.push({ kind, index: -1, seed: seed.name, mutation: 'unchanged', cls: verdict.cls, reason, elapsedMs: result.elapsedMs });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    const cases = casesFor(kind, options.cases);
    for (let index = 0; index < cases; index++) {
      const seed = seeds[index % seeds.length]!;
      const dir = join(options.tmp, `${kind}-${index}`);
      mkdirSync(dir, { recursive: true });
      let prepared: PreparedCase | undefined;
      try {
        const random = seededRandom(deriveSeed(options.baseSeed, kindIndex, index));
        prepared = prepareCase(kind, seed, dir, random);
        const { focus } = prepared.mutation;
        let result;
        try {
          result = await child.run(prepared.path, { seed: deriveSeed(options.baseSeed, kindIndex, index, 1), ...(focus ? { focus } : {}) });
        } catch (error) {
          // Only a child that cannot be started again gets here (its reader stopped loading mid-run).
          report.error = `stopped at case ${index}: ${error instanceof Error ? error.message : String(error)}`;
          break;
        }
        const verdict = classify(result, { kind, path: prepared.path, caseDir: prepared.caseDir ?? dir, mutation: prepared.mutation });
        report.tried++;
        counts[verdict.cls]++;
        const record: CaseRecord = { kind, index, seed: seed.name, mutation: prepared.mutation.description, cls: verdict.cls, reason: verdict.reason, elapsedMs: Math.round(result.elapsedMs) };
        if (result.outcome === 'error') record.message = result.message.replace(dir, '<case>').replace(prepared.caseDir ?? dir, '<case>');
        if (result.outcome === 'error' && verdict.cls === 'unclear-error') record.stack = result.stack;
        report.cases.push(record);
        if (verdict.cls !== 'clear-error' && verdict.cls !== 'accepted-correctly') {
          report.problems.push(record);
          options.log?.(`${kind} #${index} ${verdict.cls}: ${record.mutation} → ${record.reason}`);
        }
      } finally {
        prepared?.restore?.();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    report.childrenStarted = child.spawned;
    await child.close();
  }
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  return report;
}

/** Runs every kind, `jobs` at a time; reports in the order of `kinds`. */
export async function runCampaign(options: CampaignOptions): Promise<KindReport[]> {
  const reports = new Map<FuzzKind, KindReport>();
  const queue = [...options.kinds];
  const worker = async (): Promise<void> => {
    for (let kind = queue.shift(); kind; kind = queue.shift()) {
      const report = await runKind(kind, options);
      reports.set(kind, report);
      options.log?.(`${kind}: ${report.tried} cases in ${report.seconds} s`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, worker));
  return options.kinds.map((kind) => reports.get(kind)!);
}

const COLUMNS: readonly [CaseClass, string][] = [
  ['clear-error', 'clear error'],
  ['accepted-correctly', 'accepted ok'],
  ['silently-wrong', 'silently wrong'],
  ['refused-valid', 'refused valid'],
  ['unclear-error', 'unclear error'],
  ['crash', 'crash'],
  ['hang', 'hang'],
  ['memory', 'memory'],
];

/** The per-reader table: tried / clear error / accepted correctly / silently wrong / refused valid / unclear / crash / hang / memory. */
export function formatTable(reports: readonly KindReport[]): string {
  const header = ['reader', 'tried', ...COLUMNS.map(([, title]) => title), 'seconds'];
  const rows = reports.map((r) => [r.kind, String(r.tried), ...COLUMNS.map(([cls]) => String(r.counts[cls])), String(r.seconds)]);
  const total = ['total', String(reports.reduce((n, r) => n + r.tried, 0)), ...COLUMNS.map(([cls]) => String(reports.reduce((n, r) => n + r.counts[cls], 0))), ''];
  const all = [header, ...rows, total];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  return all.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** A problem's signature: its class and reason with numbers, quotes and paths folded. */
export function signature(record: CaseRecord): string {
  const fold = (text: string): string =>
    text
      .replace(/\/[^\s:"')]+/g, '<path>')
      .replace(/"[^"]*"/g, '"…"')
      .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
      .slice(0, 160);
  return `${record.kind} ${record.cls}: ${fold(record.reason)}`;
}

/** Problems grouped by signature, most frequent first, with one example mutation each. */
export function groupProblems(reports: readonly KindReport[]): { signature: string; count: number; example: CaseRecord }[] {
  const groups = new Map<string, { signature: string; count: number; example: CaseRecord }>();
  for (const record of reports.flatMap((r) => r.problems)) {
    const key = signature(record);
    const group = groups.get(key) ?? { signature: key, count: 0, example: record };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}
