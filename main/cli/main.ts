/**
 * `cajal` command line: the same engine as the app, without a window.
 * Exit codes: 0 ok, 1 user error (one-line message), 2 internal error.
 */
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ErrorCode } from '../../shared/api/index.js';
import { UserError, describeError } from '../errors.js';
import * as commands from './commands.js';
import * as recordings from './recordings.js';
import { info } from './info.js';
import { domainCommands, type CliCommand } from '../domains/index.js';
import { jsonOutput, type Output } from '../console/output.js';
import { USAGE, canonicalVerb, takesJson, verbUsage } from './usage.js';

export { USAGE } from './usage.js';

class UsageError extends UserError {
  readonly code = 'validation' as const;
}

function positional(args: string[], index: number, name: string, command: string): string {
  const value = args[index];
  if (value === undefined) throw new UsageError(`missing <${name}>\n${verbUsage(command) ?? USAGE}`);
  return value;
}

/**
 * Runs one command. With --json, `sink.out` receives exactly one JSON document (the result, or
 * `{"error": {"code", "message"}}` when the command failed before reporting one) and everything
 * else goes to `sink.err`. --help prints usage as text whatever the mode, and never opens a project.
 */
export async function runCli(argv: string[], sink: Output): Promise<number> {
  // Known before parsing, so that an argument error is a JSON document too.
  const json = argv.includes('--json') ? jsonOutput(sink) : null;
  const io = json ?? sink;
  let code: number;
  let failure: { code: ErrorCode; message: string } | undefined;
  try {
    const help = parseHelp(argv);
    if (help !== null) {
      sink.out(help);
      return 0;
    }
    code = await dispatch(argv, io);
  } catch (error) {
    const argumentError = (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (error instanceof UserError || argumentError) {
      io.err(`cajal: ${(error as Error).message}`);
      code = 1;
      failure = { code: error instanceof UserError ? error.code : 'validation', message: (error as Error).message.split('\n')[0]! };
    } else {
      io.err(`cajal: ${describeError(error)}`);
      if (process.env.CAJAL_DEBUG) io.err((error as Error).stack ?? '');
      code = 2;
      failure = { code: 'internal', message: describeError(error) };
    }
  }
  json?.finish(code, failure);
  return code;
}

/** The usage --help (or `cajal help …`) asks for, or null when it is not asked for. */
function parseHelp(argv: string[]): string | null {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: { help: { type: 'boolean', short: 'h' } } });
  const [command, ...rest] = positionals.map(String);
  if (!values.help && command !== 'help') return null;
  const [verb, sub] = command === 'help' ? rest : [command, rest[0]];
  if (verb === undefined) return USAGE;
  const usage = verbUsage(verb, sub);
  if (usage === null) throw new UsageError(`unknown command "${verb}" (cajal --help lists them)`);
  return usage;
}

type OptionsConfig = NonNullable<Parameters<typeof parseArgs>[0]>['options'] & object;

/** The options of the general verbs (`run`, `serve`, `backend`) and those every command takes. */
const CORE_OPTIONS: OptionsConfig = {
  port: { type: 'string' },
  backend: { type: 'string' },
  param: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * One parse for every command: the core options and each domain command's. An option name means one
 * thing everywhere (`--out` is always a path, `--seed` always a number), so two commands declaring
 * the same name differently is a programming error, reported at the first run.
 */
export function allOptions(commands: readonly CliCommand[] = domainCommands()): OptionsConfig {
  const merged: OptionsConfig = { ...CORE_OPTIONS };
  for (const command of commands) {
    for (const [name, option] of Object.entries(command.options)) {
      const known = merged[name];
      if (known && (known.type !== option.type || Boolean(known.multiple) !== Boolean(option.multiple))) {
        throw new Error(`option --${name} of \`cajal ${command.verb}\` is declared as ${option.type}${option.multiple ? '[]' : ''}, elsewhere as ${known.type}${known.multiple ? '[]' : ''}`);
      }
      merged[name] = option;
    }
  }
  return merged;
}

async function dispatch(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: allOptions() });
  const [typed, ...rest] = positionals;
  if (typed !== undefined && values.json && !takesJson(typed, rest[0])) {
    throw new UsageError(`cajal ${typed} ${rest[0] ?? ''} does not take --json yet`.replace(/ +does/, ' does'));
  }
  const command = typed === undefined ? undefined : canonicalVerb(typed);
  if (command !== typed) io.err(`cajal: note: \`${typed}\` is now \`${command}\`; the old name will be removed in the next release`);
  const need = (index: number, name: string) => positional(rest, index, name, command!);
  const text = (name: string) => values[name] as string | undefined;
  switch (command) {
    case 'init':
      return await commands.init(need(0, 'project.cajal'), io);
    case 'import':
      return await recordings.importFiles(need(0, 'project'), rest.slice(1), io);
    case 'ls':
      return await recordings.listRecordings(need(0, 'project'), io);
    case 'rm':
      return await recordings.removeRecording(need(0, 'project'), need(1, 'recording-id'), io);
    case 'runs':
      return await commands.listRuns(need(0, 'project'), io);
    case 'pipelines':
      return await commands.listPipelines(io);
    case 'run':
      return await commands.runPipeline(need(0, 'project'), need(1, 'pipeline'), rest[2], commands.parseParams((values.param as string[] | undefined) ?? []), io);
    case 'serve':
      return await commands.serve(need(0, 'project'), text('port'), io);
    case 'backend':
      return await commands.backend(text('backend'), io);
    case 'info':
      return await info(need(0, 'file'), io);
    case undefined:
      throw new UsageError(`missing command\n${USAGE}`);
    default: {
      const domainCommand = domainCommands().find((candidate) => candidate.verb === command);
      if (!domainCommand) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
      // parseArgs checked every value against the merged table, which holds this command's options.
      return await domainCommand.run(rest, values as Parameters<typeof domainCommand.run>[1], commands.cliContext(io));
    }
  }
}

/**
 * Writes lines to a standard stream that may go away. A reader that stops early (`cajal info f |
 * head -1`) closes the pipe and the next write fails with EPIPE, reported as an 'error' event that
 * would otherwise crash the process with a stack trace. That is not a failure of the command: its
 * output is dropped and the command finishes its work (an import or a run is not cut in half) and
 * exits with its own code. Any other write error (a full disk under `> out.txt`) is reported once.
 */
export function lineWriter(stream: Writable, onFailure: (error: NodeJS.ErrnoException) => void): (line: string) => void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') onFailure(error);
  });
  return (line) => {
    if (!stream.destroyed) stream.write(`${line}\n`);
  };
}

/**
 * Progress redrawn in place on a terminal: `status` rewrites the current stderr line; the next
 * ordinary line (on either stream) first ends it, so the last progress stays visible above.
 */
function withTerminalStatus(stream: Writable, io: Output): Output & { end(): void } {
  let pending = false;
  const settle = () => {
    if (pending && !stream.destroyed) stream.write('\n');
    pending = false;
  };
  return {
    out: (line) => {
      settle();
      io.out(line);
    },
    err: (line) => {
      settle();
      io.err(line);
    },
    status: (line) => {
      if (stream.destroyed) return;
      stream.write(`\r${line}\x1b[K`);
      pending = true;
    },
    end: settle,
  };
}

/** Entry point used by bin/cajal.js. */
export async function main(): Promise<void> {
  const err = lineWriter(process.stderr, () => {});
  const out = lineWriter(process.stdout, (error) => {
    err(`cajal: cannot write the output: ${error.message}`);
    process.exitCode ||= 1; // (may come after the command returned 0: its output is incomplete)
  });
  const sink = process.stderr.isTTY ? withTerminalStatus(process.stderr, { out, err }) : { out, err, end: () => {} };
  const code = await runCli(process.argv.slice(2), sink);
  sink.end();
  process.exitCode = process.exitCode || code;
}
