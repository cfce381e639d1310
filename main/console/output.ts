/**
 * Where a command's output goes. Text mode: results as tables/lines on stdout, messages on stderr.
 * `--json` mode: exactly one JSON document on stdout (the command's result, or `{"error": …}`), and
 * everything meant for a human (progress, "wrote …", the lines a command prints for people) on
 * stderr, so `cajal ls p --json | jq` never sees anything but JSON.
 */
import type { ErrorCode } from '../../shared/api/index.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /**
   * With `--json`: takes the command's result (a plain JSON-able object), printed once on stdout.
   * Absent in text mode; commands call it through `report()`, never directly.
   */
  result?(value: unknown): void;
  /**
   * A progress line that replaces the previous one (stderr is a terminal). Absent when stderr is
   * a file or a pipe: progress then goes through `err`, thinned out by `progressPrinter`.
   */
  status?(line: string): void;
}

/**
 * Hands a command's result to the output: in `--json` mode the value itself, in text mode what
 * `render` prints from it. One call per command; building the value first keeps both modes showing
 * the same data.
 */
export function report<T>(io: Output, value: T, render: (value: T) => void): void {
  if (io.result) io.result(value);
  else render(value);
}

/**
 * The same output without a result: for a command run as a step of another (`seizure detect` runs
 * `run`), whose own result is part of the caller's. In `--json` mode its lines go to stderr.
 */
export function textOnly(io: Output): Output {
  return { out: (line) => io.out(line), err: (line) => io.err(line), ...(io.status ? { status: io.status } : {}) };
}

/** Whether the output is in `--json` mode (a command may skip work only a human reads). */
export function isJson(io: Output): boolean {
  return io.result !== undefined;
}

export interface JsonOutput extends Output {
  result(value: unknown): void;
  /** Ends the command: prints its result, or an error document when it has none. */
  finish(code: number, error?: CliError): void;
}

/** What `{"error": …}` holds: an API error code, or `failed` for a command that failed without one. */
export interface CliError {
  code: ErrorCode | 'failed';
  message: string;
}

/**
 * The `--json` output over the real sinks. The result is printed when it is reported (so
 * `cajal serve --json` tells a script its address while it serves); a command that fails before
 * reporting one gets `{"error": {"code", "message"}}` instead, its message the last error line.
 */
export function jsonOutput(sink: Output): JsonOutput {
  let printed = false;
  let lastError = '';
  const print = (value: unknown) => {
    if (printed) throw new Error('a command reported two results');
    printed = true;
    sink.out(JSON.stringify(value));
  };
  return {
    out: (line) => sink.err(line),
    err: (line) => {
      lastError = line;
      sink.err(line);
    },
    result: print,
    ...(sink.status ? { status: sink.status } : {}),
    finish(code, error) {
      if (printed) return;
      if (error) print({ error });
      // A command that failed without throwing (a run that failed): its last message says why.
      else if (code !== 0) print({ error: { code: 'failed', message: lastError.replace(/^cajal: /, '') || 'the command failed' } });
      else print({});
    },
  };
}

/**
 * Progress for one task: on a terminal (`io.status`) every change of percent, redrawn in place; to
 * a file or pipe at most one line per 10 % or per 5 s, plus the last, so a log of a long run stays
 * readable. Returns the function to call with each fraction (0–1) and its message.
 */
export function progressPrinter(io: Output, prefix: string, now: () => number = Date.now): (fraction: number, message: string) => void {
  let lastPercent = -1;
  let printedPercent = -Infinity;
  let printedAt = -Infinity;
  return (fraction, message) => {
    const percent = Math.floor(fraction * 100 + 1e-9); // (0.29 * 100 is 28.999…)
    if (percent === lastPercent) return;
    lastPercent = percent;
    const line = `${prefix}${percent} % ${message}`.trimEnd();
    if (io.status) {
      io.status(line);
      return;
    }
    const time = now();
    if (percent >= 100 || percent - printedPercent >= 10 || time - printedAt >= 5000) {
      printedPercent = percent;
      printedAt = time;
      io.err(line);
    }
  };
}
