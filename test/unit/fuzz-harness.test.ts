/**
 * The fuzz harness (test/helpers/fuzz) must see every failure class, or the fuzz suite could pass
 * vacuously: a fake reader that loops is a hang, one that exits or leaves a rejection behind is a
 * crash, one that grows past the memory cap is killed for memory, a wrong result is silently wrong,
 * a bug message or an error about another file is unclear, HDF5 noise on stderr makes an error
 * unclear; and after each of these the next case runs in a fresh child.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classify, judgeError } from '../helpers/fuzz/invariants.js';
import { ReaderChild } from '../helpers/fuzz/run-case.js';
import { tempDir } from '../helpers/tmp.js';

const FAKES = join(import.meta.dirname, '..', 'helpers', 'fuzz', 'fake-readers.ts');

describe('fuzz harness', () => {
  const tmp = tempDir('cajal-fuzz-harness-');
  const child = new ReaderChild({ procedures: FAKES, kind: 'fake', timeoutMs: 3000, rssLimitBytes: 400 * 1024 ** 2 });
  afterAll(async () => {
    await child.close();
    tmp.cleanup();
  });

  /** Runs the fake reader on a file saying `behaviour`, and judges it as a volume case. */
  async function verdict(behaviour: string) {
    const path = join(tmp.dir, `${behaviour}.fake`);
    writeFileSync(path, behaviour);
    const result = await child.run(path, { seed: 1 });
    return { result, ...classify(result, { kind: 'zarr-zip', path, caseDir: tmp.dir, mutation: { description: behaviour } }) };
  }

  it('tells each outcome apart, with a fresh child after every hang, crash or memory kill', async () => {
    expect((await verdict('ok')).cls).toBe('accepted-correctly');
    expect((await verdict('clear')).cls).toBe('clear-error');
    const wrong = await verdict('wrong');
    expect(wrong.cls).toBe('silently-wrong');
    expect(wrong.reason).toMatch(/shape \[2, 0, 4\]/);
    expect((await verdict('bug')).cls).toBe('unclear-error');
    expect((await verdict('anonymous')).reason).toMatch(/does not name the file/);
    const noisy = await verdict('noisy');
    expect(noisy.cls).toBe('unclear-error');
    expect(noisy.reason).toMatch(/stderr \(HDF5-DIAG/);

    const started = child.spawned;
    const hang = await verdict('loop');
    expect(hang.cls).toBe('hang');
    expect((await verdict('ok')).cls).toBe('accepted-correctly');
    expect((await verdict('exit')).cls).toBe('crash');
    expect((await verdict('clear')).cls).toBe('clear-error');
    const late = await verdict('late-rejection');
    expect(late.cls).toBe('crash');
    expect(late.reason).toMatch(/a rejection nobody handles/);
    const memory = await verdict('allocate');
    expect(memory.cls).toBe('memory');
    expect(memory.reason).toMatch(/resident memory/);
    expect((await verdict('ok')).cls).toBe('accepted-correctly');
    expect(child.spawned - started).toBe(4);
  }, 60_000);

  it('judges error lines: user errors naming the file and what is wrong, nothing else', () => {
    const context = { path: '/data/x/rec.edf', caseDir: '/data/x' };
    expect(judgeError('/data/x/rec.edf: field "number of signals" at byte 252: must be at least 1, got 0', true, '', context)).toBeNull();
    expect(judgeError('rec.edf: the header is cut off after 12 bytes', true, '', context)).toBeNull();
    expect(judgeError('internal error: boom', false, '', context)).toMatch(/not a user error/);
    expect(judgeError("/data/x/rec.edf: Cannot read properties of undefined (reading 'x')", true, '', context)).toMatch(/bug/);
    expect(judgeError('/data/x/rec.edf: bad', true, '', context)).toMatch(/does not say what is wrong/);
    expect(judgeError('the header is cut off after 12 bytes', true, '', context)).toMatch(/does not name the file/);
    expect(judgeError('/data/x/rec.edf: the header is cut off\n    at parse (x.ts:1:1)', true, '', context)).toMatch(/stack trace/);
    expect(judgeError('/data/x/rec.edf: the header is cut off after 12 bytes', true, '(node:12) ExperimentalWarning: x\n', context)).toBeNull();
  });
});
