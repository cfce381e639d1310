/**
 * Running `cajal` in-process the way a user would from a shell: the printed lines captured, and a
 * fresh project made with `cajal init` and `cajal import`.
 */
import { expect } from 'vitest';
import { runCli } from '../../main/cli/main.js';

export interface CapturedCli {
  /** Pass to runCli: stdout lines go to `lines`, stderr lines to `errors`. */
  io: { out: (line: string) => void; err: (line: string) => void };
  lines: string[];
  errors: string[];
}

export function captureCli(): CapturedCli {
  const lines: string[] = [];
  const errors: string[] = [];
  return { io: { out: (line) => lines.push(line), err: (line) => errors.push(line) }, lines, errors };
}

/** `cajal init <project>` then `cajal import <project> <files…>`, both expected to succeed; the captured output. */
export async function initProjectWith(project: string, files: string[]): Promise<CapturedCli> {
  const cli = captureCli();
  expect(await runCli(['init', project], cli.io), cli.errors.join('\n')).toBe(0);
  expect(await runCli(['import', project, ...files], cli.io), cli.errors.join('\n')).toBe(0);
  return cli;
}
