/**
 * The fuzz child, one long-lived process per reader:
 *   node --import tsx child.ts <procedures module> <kind>
 * It loads the module's `procedures[kind]`, says `ready`, then runs each case the parent sends over
 * IPC and reports `error` (with the one line a user would see) or `accepted` (with a summary).
 * Nothing here catches process-level failures: a reader that throws asynchronously, exits or
 * aborts takes the process down, and the parent records a crash, as the CLI would have crashed.
 *
 * Before each report a marker goes to fd 2 with a synchronous write, so the parent can tell which
 * stderr output (HDF5's error stacks, wasm warnings) belongs to which case.
 */
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { UserError, describeError } from '../../../main/errors.js';
import type { Procedure } from './procedures.js';
import { caseEndMarker, type CaseMessage, type ChildMessage, type ChildReport } from './protocol.js';

async function main(): Promise<void> {
  const [moduleArg, kind] = process.argv.slice(2);
  if (!moduleArg || !kind || !process.send) throw new Error('usage: node --import tsx child.ts <procedures module> <kind> (with an IPC channel)');
  const loaded = (await import(pathToFileURL(moduleArg).href)) as { procedures: Record<string, Procedure>; warmUp?: (kind: string) => Promise<void> };
  const procedure = loaded.procedures[kind];
  if (!procedure) throw new Error(`no procedure "${kind}" in ${moduleArg}`);
  await loaded.warmUp?.(kind);
  const send = (message: ChildMessage): void => void process.send!(message);
  process.on('message', (message: CaseMessage) => {
    if (message.type !== 'case') return;
    const started = performance.now();
    const finish = async (report: ChildReport): Promise<void> => {
      // Let a rejection the reader left behind surface now, in this case, rather than in the next.
      await new Promise((resolve) => setImmediate(resolve));
      writeSync(2, caseEndMarker(message.id));
      send({ type: 'result', id: message.id, elapsedMs: performance.now() - started, ...report });
    };
    procedure(message.path, message.options).then(
      ({ summary, warnings }) => finish({ outcome: 'accepted', summary, warnings }),
      (error: unknown) =>
        finish({
          outcome: 'error',
          message: describeError(error),
          errorName: error instanceof Error ? error.name : typeof error,
          userError: error instanceof UserError,
          stack: error instanceof Error ? (error.stack ?? '').split('\n').slice(0, 6).join('\n') : '',
        }),
    );
  });
  send({ type: 'ready' });
}

await main();
