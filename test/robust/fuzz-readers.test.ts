/**
 * Issue #15's fuzz suite: seeded mutations (cuts, bit flips, overwritten runs, format-aware field
 * edits) of every real file kind in ../shared/data that a Cajal reader accepts, each read the way
 * the import and the views read it, in a child process per reader watched for hangs (> 10 s) and
 * memory (> 2 GB). Every case must end in a clear error (a user error naming the file and what is
 * wrong with it) or be accepted with values that pass the reader's invariants; a mutation known to
 * leave the file valid (a multi-member gzip, line breaks in base64…) must be accepted.
 *
 * CAJAL_FUZZ_CASES (default 150 per reader; fewer for the slowest kinds, see casesFor), CAJAL_FUZZ_SEED, CAJAL_FUZZ_JOBS (readers at once,
 * default 2) and CAJAL_FUZZ_KINDS (comma-separated) tune a run; the seed is fixed so CI is
 * reproducible. The counts go to test-results/fuzz-counts.json, with every failing case.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTable, groupProblems, runCampaign, type KindReport } from '../helpers/fuzz/campaign.js';
import { writeDerivedEdfSeeds } from '../helpers/fuzz/derived-seeds.js';
import { casesFor, FUZZ_KINDS, KIND_TITLES, SKIPPED_KINDS, type FuzzKind } from '../helpers/fuzz/mutate.js';
import { hasSharedData, REPO_ROOT, SHARED_DATA, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const CASES = Number(process.env['CAJAL_FUZZ_CASES'] ?? 150);
const SEED = Number(process.env['CAJAL_FUZZ_SEED'] ?? 0x15);
const JOBS = Number(process.env['CAJAL_FUZZ_JOBS'] ?? 2);
const KINDS = (process.env['CAJAL_FUZZ_KINDS']?.split(',').map((k) => k.trim()).filter(Boolean) ?? [...FUZZ_KINDS]) as FuzzKind[];
const unknown = KINDS.filter((kind) => !(FUZZ_KINDS as readonly string[]).includes(kind));
if (unknown.length) throw new Error(`CAJAL_FUZZ_KINDS: unknown kind(s) ${unknown.join(', ')}; known: ${FUZZ_KINDS.join(', ')}`);

if (!hasSharedData()) console.warn(`fuzz-readers skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())(`fuzzing the readers: ${CASES} seeded mutations per reader (seed ${SEED})`, () => {
  const tmp = tempDir('cajal-fuzz-');
  let reports: KindReport[] = [];

  beforeAll(async () => {
    const started = performance.now();
    const derived = await writeDerivedEdfSeeds(SHARED_DATA, tmp.dir);
    for (const note of derived.notes) console.warn(`fuzz: derived seed ${note}`);
    const cases = join(tmp.dir, 'cases');
    mkdirSync(cases);
    reports = await runCampaign({ kinds: KINDS, cases: CASES, baseSeed: SEED, data: SHARED_DATA, tmp: cases, jobs: JOBS, derivedEdf: derived.paths });
    const seconds = Math.round((performance.now() - started) / 1000);
    const groups = groupProblems(reports);
    const lines = [
      `fuzz: ${CASES} mutations per reader, seed ${SEED}, ${JOBS} reader(s) at a time, ${seconds} s`,
      formatTable(reports),
      ...(groups.length ? ['distinct problems (count, signature, one example):'] : []),
      ...groups.map((g) => `  ${g.count}× ${g.signature}\n      e.g. #${g.example.index} ${g.example.seed}: ${g.example.mutation}\n      → ${g.example.reason}`),
      ...reports.flatMap((r) => r.controlFailures.map((c) => `control ${r.kind} ${c.seed} not accepted correctly: ${c.cls}: ${c.reason}`)),
      ...reports.flatMap((r) => (r.error ? [`${r.kind}: not run: ${r.error.slice(0, 500)}`] : [])),
      `not fuzzed: ${SKIPPED_KINDS.join('; ')}`,
    ];
    console.log(lines.join('\n'));
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(
      join(REPO_ROOT, 'test-results', 'fuzz-counts.json'),
      `${JSON.stringify(
        {
          casesPerReader: CASES,
          seed: SEED,
          jobs: JOBS,
          seconds,
          derivedSeeds: derived.paths.map((p) => p.slice(tmp.dir.length + 1)),
          skipped: SKIPPED_KINDS,
          readers: reports.map((r) => ({ kind: r.kind, title: KIND_TITLES[r.kind], seeds: r.seeds, tried: r.tried, ...r.counts, seconds: r.seconds, childrenStarted: r.childrenStarted, controlFailures: r.controlFailures, ...(r.error ? { error: r.error } : {}) })),
          distinctProblems: groups.map((g) => ({ count: g.count, signature: g.signature, example: g.example })),
          problems: reports.flatMap((r) => r.problems),
          cases: reports.flatMap((r) => r.cases),
        },
        null,
        2,
      )}\n`,
    );
  }, 1_800_000);

  afterAll(() => tmp.cleanup());

  for (const kind of KINDS) {
    it(`${kind}: ${KIND_TITLES[kind]}`, () => {
      const report = reports.find((r) => r.kind === kind)!;
      expect(report.error, 'the reader could not be run').toBeUndefined();
      expect(report.seeds.length, `no seed files for ${kind} under ${SHARED_DATA}`).toBeGreaterThan(0);
      expect(report.controlFailures, 'unmutated seeds must be accepted correctly').toEqual([]);
      expect(report.tried).toBe(casesFor(kind, CASES));
      const bad = { 'silently-wrong': 0, 'refused-valid': 0, 'unclear-error': 0, crash: 0, hang: 0, memory: 0 };
      for (const cls of Object.keys(bad) as (keyof typeof bad)[]) bad[cls] = report.counts[cls];
      expect(bad, report.problems.slice(0, 10).map((p) => `#${p.index} ${p.cls}: ${p.mutation} → ${p.reason}`).join('\n')).toEqual({
        'silently-wrong': 0,
        'refused-valid': 0,
        'unclear-error': 0,
        crash: 0,
        hang: 0,
        memory: 0,
      });
    });
  }
});
