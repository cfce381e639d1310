/**
 * `cajal … --json`: exactly one JSON document on stdout (the result, or `{"error": …}`), everything
 * for humans on stderr; and per-verb `--help`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { progressPrinter } from '../../main/console/output.js';
import { VERBS } from '../../main/cli/usage.js';
import { writeSineEdf } from '../helpers/edf.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** Runs with --json and checks stdout is one JSON document; returns it parsed. */
async function json(...argv: string[]): Promise<{ code: number; doc: Record<string, unknown>; err: string[] }> {
  const { code, out, err } = await cli(...argv, '--json');
  expect(out).toHaveLength(1);
  return { code, doc: JSON.parse(out[0]!) as Record<string, unknown>, err };
}

const SWC = '# a soma and a forked neurite\n1 1 0 0 0 1 -1\n2 3 0 5 0 0.5 1\n3 3 0 10 0 0.4 2\n4 3 3 14 0 0.3 3\n5 3 -3 14 0 0.3 3\n';

describe('cajal --json', () => {
  const tmp = tempDir();
  const project = join(tmp.dir, 'json.cajal');
  const edf = join(tmp.dir, 'sine.edf');
  afterAll(() => tmp.cleanup());

  it('init, import, ls, run and runs each print one document with their data', async () => {
    const init = await json('init', project);
    expect(init).toMatchObject({ code: 0, doc: { path: project }, err: [] });

    writeSineEdf(edf, { channels: 2, sampleRateHz: 128, durationS: 4 });
    const imported = await json('import', project, edf, join(tmp.dir, 'missing.edf'));
    expect(imported.code).toBe(1); // one file failed: the document still says what was imported
    expect(imported.doc).toMatchObject({ imported: [{ id: 1, sourcePath: edf, format: 'edf' }], errors: [{ path: join(tmp.dir, 'missing.edf') }], warnings: [] });
    expect(imported.err).toEqual([expect.stringMatching(/missing\.edf: no such file/)]);

    const ls = await json('ls', project);
    expect(ls.doc).toMatchObject({ recordings: [{ id: 1, sourcePath: edf, metadata: { channelCount: 2, sampleRateHz: 128 } }] });

    const run = await json('run', project, 'rms', '1');
    expect(run.code).toBe(0);
    expect(run.doc).toMatchObject({ run: { id: 1, pipeline: 'rms', status: 'succeeded', recordingId: 1 }, results: [{ key: 'rms' }] });
    // Progress and "run 1 started" are messages: stderr.
    expect(run.err.join('\n')).toMatch(/run 1 started \(rms\)/);
    expect(run.err.join('\n')).toMatch(/run 1: 100 %/);

    const runs = await json('runs', project);
    expect(runs.doc).toMatchObject({ runs: [{ id: 1, pipeline: 'rms', status: 'succeeded', modelIds: [] }] });
  });

  it('text mode is unchanged by the result objects', async () => {
    const ls = await cli('ls', project);
    const [header, row] = ls.out.join('\n').split('\n');
    expect(header).toMatch(/^id\s+kind\s+format\s+contents/);
    expect(row).toMatch(/^1\s+eeg\s+EDF\s+2 channels, 128 Hz/);
  });

  it('info, pipelines, seizure score and morph stats / scale', async () => {
    const info = await json('info', edf);
    expect(info.doc).toMatchObject({ file: edf, format: 'EDF', durationS: 4, annotationCount: 0, channels: [{ sampleRateHz: 128 }, { sampleRateHz: 128 }] });

    const pipelines = await json('pipelines');
    const names = (pipelines.doc.pipelines as { name: string; input: string }[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['rms', 'seizure-classical', 'ntf', 'fisbe-eval', 'morphology-metrics']));
    expect((await cli('pipelines')).out[0]).toMatch(/^name\s+input\s+title/);

    const ref = join(tmp.dir, 'ref.tsv');
    const hyp = join(tmp.dir, 'hyp.tsv');
    writeFileSync(ref, 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n100\t60\tsz\tn/a\tn/a\tn/a\t3600\n');
    writeFileSync(hyp, 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n110\t40\tsz\tn/a\tn/a\tn/a\t3600\n3000\t10\tsz\tn/a\tn/a\tn/a\t3600\n');
    const score = await json('seizure', 'score', ref, hyp);
    expect(score.doc).toMatchObject({ durationS: 3600, reference: { seizures: 1 }, hypothesis: { seizures: 2 }, event: { tp: 1, fp: 1, refTrue: 1 } });
    expect((score.doc.event as { f1: number }).f1).toBeCloseTo(2 / 3, 6);

    const swc = join(tmp.dir, 'fork.swc');
    writeFileSync(swc, SWC);
    const stats = await json('morph', 'stats', swc, '--sholl', '5');
    expect(stats.doc).toMatchObject({ files: [{ file: swc, samples: 5, trees: 1, scaleUmPerUnit: null, metrics: { byType: { all: { numberOfBifurcations: 1, numberOfLeaves: 2 } } } }], out: null });

    expect((await cli('import', project, swc)).code).toBe(0);
    const scale = await json('morph', 'scale', project, '2', '0.008');
    expect(scale.doc).toMatchObject({ recordingId: 2, scaleUmPerUnit: 0.008 });
    // `morph` is the former name of `morphology`: it still works, with a note on stderr.
    expect(scale.err.join('\n')).toMatch(/`morph` is now `morphology`/);
    const renamed = await json('morphology', 'scale', project, '2', 'reset');
    expect(renamed.doc).toMatchObject({ recordingId: 2, scaleUmPerUnit: 1 });
    expect(renamed.err.join('\n')).not.toMatch(/is now/);
    // A pipeline's former name is still accepted; the run is stored under the current one.
    const former = await json('run', project, 'morphometrics', '2');
    expect(former.doc).toMatchObject({ run: { pipeline: 'morphology-metrics', status: 'succeeded' } });
  });

  it('seizure detect reports each detector\'s events in one document', async () => {
    const eeg = join(tmp.dir, 'four.edf');
    writeSineEdf(eeg, { channels: 4, sampleRateHz: 128, durationS: 30 }); // (the detector wants ≥ 4 channels)
    expect((await json('import', project, eeg)).doc).toMatchObject({ imported: [{ id: 3 }] });
    const events = join(tmp.dir, 'events.tsv');
    const detect = await json('seizure', 'detect', project, '3', '--detector', 'classical', '--out', events);
    expect(detect.err.filter((line) => /failed|cajal:/.test(line))).toEqual([]);
    expect(detect.code).toBe(0);
    expect(detect.doc).toMatchObject({ detectors: [{ detector: 'classical', recordingId: 3, events: expect.any(Array), out: events }] });
    // The run's table and "wrote …" are messages here.
    expect(detect.err.join('\n')).toMatch(/wrote .*events\.tsv/);
  });

  it('backend reports the selection', async () => {
    const backend = await json('backend', '--backend', 'cpu');
    expect(backend.doc).toMatchObject({ selected: 'cpu', forced: 'cpu' });
    expect(Array.isArray(backend.doc.chain)).toBe(true);
  }, 60_000);

  it('failures print one error document with the exit code', async () => {
    const missing = join(tmp.dir, 'nope.cajal');
    expect(await json('ls', missing)).toMatchObject({ code: 1, doc: { error: { code: 'io', message: `${missing}: no such project file (create one with \`cajal init\`)` } } });
    // An argument error, caught before any command runs, is a document too.
    expect(await json('ls', '--colour')).toMatchObject({ code: 1, doc: { error: { code: 'validation' } } });
    expect(await json('ls')).toMatchObject({ code: 1, doc: { error: { code: 'validation', message: 'missing <project>' } } });
    const failedRun = await json('run', project, 'rms', '99');
    expect(failedRun.code).toBe(1);
    expect(failedRun.doc).toHaveProperty('error');
  });

  it('every command takes --json', () => {
    expect(VERBS.filter((e) => !e.json).map((e) => `${e.verb} ${e.sub ?? ''}`)).toEqual([]);
  });
});

describe('cajal <verb> --help', () => {
  it('prints the global usage, listing every verb and --json', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    const text = out.join('\n');
    for (const entry of VERBS) expect(text).toContain(`  ${[entry.verb, entry.sub].filter(Boolean).join(' ')}`);
    expect(text).toMatch(/--json\s+print the result as one JSON document on stdout/);
  });

  it.each([
    [['ls', '--help'], /^usage:\n {2}cajal ls <project> /],
    [['help', 'ls'], /^usage:\n {2}cajal ls <project> /],
    [['seizure', 'detect', '--help'], /^usage:\n {2}cajal seizure detect <project>/],
    [['help', 'seizure', 'score'], /^usage:\n {2}cajal seizure score /],
    [['fisbe', 'eval', '-h'], /^usage:\n {2}cajal fisbe eval --gt GT/],
  ])('%j prints that verb only', async (argv, usage) => {
    const { code, out } = await cli(...argv);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(usage);
    expect(text).not.toMatch(/cajal init/);
    expect(text).not.toMatch(/^commands:/m);
  });

  it('prints all of a verb\'s subcommands, and never opens a project', async () => {
    const seizure = (await cli('seizure', '--help')).out.join('\n');
    for (const sub of ['detect', 'score', 'train', 'eval']) expect(seizure).toContain(`cajal seizure ${sub}`);
    // The project does not exist: --help must not notice.
    expect(await cli('ls', '/nonexistent/folder/x.cajal', '--help')).toMatchObject({ code: 0, err: [] });
    expect((await cli('ls', '--help', '--json')).out[0]).toMatch(/^usage:/); // help is text, also with --json
  });

  it('says so for an unknown verb', async () => {
    for (const argv of [['frobnicate', '--help'], ['help', 'frobnicate']]) {
      const { code, out, err } = await cli(...argv);
      expect(code).toBe(1);
      expect(out).toEqual([]);
      expect(err).toEqual(['cajal: unknown command "frobnicate" (cajal --help lists them)']);
    }
  });
});

describe('progress lines', () => {
  it('to a file or pipe: at most one line per 10 % or 5 s, and the last', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = progressPrinter({ out: () => {}, err: (line) => lines.push(line) }, 'run 1: ', () => now);
    for (let percent = 0; percent <= 100; percent++) progress(percent / 100, 'working');
    expect(lines).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => `run 1: ${p} % working`));
    lines.length = 0;
    const slow = progressPrinter({ out: () => {}, err: (line) => lines.push(line) }, '', () => now);
    slow(0, 'a');
    now = 6000;
    slow(0.01, 'b'); // 1 % later, but 6 s later
    slow(0.02, 'c');
    expect(lines).toEqual(['0 % a', '1 % b']);
  });

  it('on a terminal: every percent, redrawn in place through status', () => {
    const status: string[] = [];
    const err: string[] = [];
    const progress = progressPrinter({ out: () => {}, err: (line) => err.push(line), status: (line) => status.push(line) }, '');
    for (let percent = 0; percent <= 100; percent++) progress(percent / 100, '');
    progress(1, '');
    expect(status).toHaveLength(101);
    expect(err).toEqual([]);
  });
});
