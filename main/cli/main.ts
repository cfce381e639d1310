/**
 * `cajal` command line: the same engine as the app, without a window.
 * Exit codes: 0 ok, 1 user error (one-line message), 2 internal error.
 */
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { UserError, describeError } from '../errors.js';
import * as commands from './commands.js';
import { info } from './info.js';
import { seizure } from './seizure.js';
import { fisbe } from './fisbe.js';
import { ntf } from './ntf.js';
import { morph } from './morph.js';

export const USAGE = `usage: cajal <command> [options]

commands:
  init <project.cajal>                     create a project file
  import <project> <file>...               add recordings by path; sources are never copied: EDF, EDF+, BDF,
                                           BDF+, calcium imaging (Suite2p plane folders, NWB, HDF5, CSV),
                                           SWC morphologies
  ls <project>                             list the project's recordings
  run <project> <pipeline> [recording-id] [--param key=value]...
                                           run a pipeline and wait (Ctrl-C cancels); pipelines: rms
  runs <project>                           list runs with status, progress, timings and errors
  serve <project> [--port N]               serve the UI and API on 127.0.0.1 with a per-launch token
  backend [--backend NAME]                 print the compute backend chain and the selected backend
  info <file>                              print a recording's header: channels, rates, duration, annotations
  seizure detect <project> <recording-id> [--detector classical|neural|both] [--out events.tsv] [--overwrite]
                                           run the seizure detectors (default both; neural needs a trained
                                           model in the project); events and 1 Hz probability are stored,
                                           --out writes the events as SzCORE TSV
  seizure score <reference.tsv> <hypothesis.tsv>
                                           SzCORE event- and sample-based scores (SzCORE TSV or BIDS events)
  seizure train <file.edf>... [--project P] [--out FOLDER [--overwrite]] [--name N] [--seed N] [--max-epochs N]
                                           train the neural detector on EDFs with seizure annotations
                                           (EDF+ "seizure…"/"sz…" or <name>_events.tsv); stores it in
                                           the project and/or writes TF.js files
  seizure eval <file.edf>... [--model FOLDER]
                                           SzCORE scores of a TF.js model, or leave-one-recording-out
  fisbe eval --gt GT --pred PRED [--partly] [--project P] [--out metrics.toml] [--overwrite]
             [--gt-dataset D] [--pred-dataset D] [--split-file sample_list_per_split.txt]
                                           FISBe instance-segmentation metrics (official evaluator's
                                           flylight preset), stored as a run (default project
                                           ./fisbe.cajal); PRED a folder: every sample, aggregated
  ntf run <project> [--ranks 2..12] [--restarts 8] [--recordings ID,ID] [--rank N] [--seed N]
          [--dataset D] [--param key=value]...
                                           functional connectome (Dyballa et al.): affinity tensor of the
                                           calcium recordings (default: all in the project, one animal
                                           each), NTF rank sweep, communities per component
  morph stats <file.swc>... [--scale UM_PER_UNIT] [--sholl R,R,...] [--out stats.csv] [--overwrite]
                                           validate SWC morphologies and print NeuroM-definition
                                           morphometrics per neurite type (coordinates as given unless
                                           --scale, e.g. 0.008 for hemibrain voxels; Sholl radii default
                                           every 50 units); --out writes them as CSV
  morph scale <project> <recording-id> <um-per-unit|reset>
                                           store the scale of an imported morphology (e.g. 0.008)

--out never writes over a project file, a source or an input, and replaces an existing file only with
--overwrite.

exit codes: 0 ok, 1 user error, 2 internal error`;

class UsageError extends UserError {
  readonly code = 'validation' as const;
}

function positional(args: string[], index: number, name: string): string {
  const value = args[index];
  if (value === undefined) throw new UsageError(`missing <${name}>\n${USAGE}`);
  return value;
}

export async function runCli(argv: string[], io: commands.Output): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string' },
        overwrite: { type: 'boolean' },
        detector: { type: 'string' },
        project: { type: 'string' },
        name: { type: 'string' },
        model: { type: 'string' },
        seed: { type: 'string' },
        'max-epochs': { type: 'string' },
        param: { type: 'string', multiple: true },
        gt: { type: 'string' },
        pred: { type: 'string' },
        partly: { type: 'boolean' },
        'gt-dataset': { type: 'string' },
        'pred-dataset': { type: 'string' },
        'split-file': { type: 'string' },
        ranks: { type: 'string' },
        restarts: { type: 'string' },
        recordings: { type: 'string' },
        rank: { type: 'string' },
        dataset: { type: 'string' },
        scale: { type: 'string' },
        sholl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    switch (command) {
      case 'init':
        return await commands.init(positional(rest, 0, 'project.cajal'), io);
      case 'import':
        return await commands.importFiles(positional(rest, 0, 'project'), rest.slice(1), io);
      case 'ls':
        return await commands.listRecordings(positional(rest, 0, 'project'), io);
      case 'runs':
        return await commands.listRuns(positional(rest, 0, 'project'), io);
      case 'run':
        return await commands.runPipeline(
          positional(rest, 0, 'project'),
          positional(rest, 1, 'pipeline'),
          rest[2],
          commands.parseParams(values.param ?? []),
          io,
        );
      case 'serve':
        return await commands.serve(positional(rest, 0, 'project'), values.port, io);
      case 'backend':
        return await commands.backend(values.backend, io);
      case 'info':
        return info(positional(rest, 0, 'file'), io);
      case 'seizure':
        return await seizure(rest, values, io);
      case 'fisbe':
        return await fisbe(rest, values, io);
      case 'ntf':
        return await ntf(rest, { ...values, params: commands.parseParams(values.param ?? []) }, io);
      case 'morph':
        return await morph(rest, values, io);
      case undefined:
        throw new UsageError(`missing command\n${USAGE}`);
      default:
        throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    }
  } catch (error) {
    const argumentError = (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (error instanceof UserError || argumentError) {
      io.err(`cajal: ${(error as Error).message}`);
      return 1;
    }
    io.err(`cajal: ${describeError(error)}`);
    if (process.env.CAJAL_DEBUG) io.err((error as Error).stack ?? '');
    return 2;
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

/** Entry point used by bin/cajal.js. */
export async function main(): Promise<void> {
  const err = lineWriter(process.stderr, () => {});
  const out = lineWriter(process.stdout, (error) => {
    err(`cajal: cannot write the output: ${error.message}`);
    process.exitCode ||= 1; // (may come after the command returned 0: its output is incomplete)
  });
  const code = await runCli(process.argv.slice(2), { out, err });
  process.exitCode = process.exitCode || code;
}
