/**
 * wasm threads (main/compute/wasm/threads.ts) in child processes: the process exits by itself,
 * two threads are really in use, and the results equal the single-thread ones.
 */
import { describe, expect, it } from 'vitest';
import { runTsxChild } from '../helpers/child.js';

interface ChildReport {
  threads: { threads: number; detail: string };
  plain: { checksum: number[]; ms: number };
  attention: { checksum: number[]; ms: number };
}

async function runChild(threads: number, timeoutMs: number): Promise<{ code: number | null; exitedAlone: boolean; report: ChildReport | null; stderr: string }> {
  const { code, exitedAlone, stdout, stderr } = await runTsxChild('test/unit/wasm-threads-child.ts', [String(threads), '1'], timeoutMs);
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  return { code, exitedAlone, report: line ? (JSON.parse(line) as ChildReport) : null, stderr };
}

describe('wasm threads', () => {
  it('runs XNNPACK on two threads, exits by itself, and matches one thread', async () => {
    const two = await runChild(2, 45_000);
    expect(two.exitedAlone, `the 2-thread child did not exit within 45 s\n${two.stderr}`).toBe(true);
    expect(two.code, two.stderr).toBe(0);
    expect(two.report?.threads.threads, two.report?.threads.detail).toBe(2);
    const one = await runChild(1, 45_000);
    expect(one.exitedAlone).toBe(true);
    expect(one.code, one.stderr).toBe(0);
    expect(one.report?.threads.threads).toBe(1);
    for (const key of ['plain', 'attention'] as const) {
      const [x, y] = [two.report![key].checksum, one.report![key].checksum];
      for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(y[i]!)));
    }
  }, 120_000);
});
