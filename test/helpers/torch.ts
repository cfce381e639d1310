/**
 * Runs the PyTorch transcriptions in test/fixtures/reference with Debian's python (python3-torch;
 * .ci/run installs it). Tests that need it skip with `TORCH_SKIP_REASON` when torch is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const DEBIAN_PYTHON = '/usr/bin/python3';
const REFERENCE_DIR = join(import.meta.dirname, '..', 'fixtures', 'reference');

let available: boolean | undefined;

/** Whether Debian's python can import torch (checked once per process). */
export function hasTorch(): boolean {
  available ??= spawnSync(DEBIAN_PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  return available;
}

export const TORCH_SKIP_REASON = `${DEBIAN_PYTHON} cannot import torch (apt-get install python3-torch): the PyTorch parity checks are skipped`;

/** Runs test/fixtures/reference/<script> with `input` as JSON on stdin and parses its JSON stdout. */
export function runTorchScript<T>(script: string, input: unknown, args: string[] = []): T {
  const run = spawnSync(DEBIAN_PYTHON, [join(REFERENCE_DIR, script), ...args], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`${script} failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
