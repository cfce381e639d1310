/** `cajal seizure detect|score|train|eval|segments`: argument handling for the seizure commands. */
import { BackendName } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import { defineCommand, type CliContext, type ParsedFlags } from '../types.js';
import { seizureDetect } from './cli-detect.js';
import { seizureImprove } from './cli-improve.js';
import { seizureEval, seizureTrain } from './cli-neural.js';
import { seizureScore } from './cli-score.js';
import { seizureSegments } from './cli-segments.js';

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new ValidationError(flag, `expected a whole number, got "${value}"`);
  return parsed;
}

function backend(value: string | undefined): BackendName | undefined {
  if (value === undefined) return undefined;
  const parsed = BackendName.safeParse(value);
  if (!parsed.success) throw new ValidationError('--backend', `expected one of ${BackendName.options.join(', ')}, got "${value}"`);
  return parsed.data;
}

function input(value: string | undefined): 'standard' | 'per-channel' | undefined {
  if (value === undefined || value === 'standard' || value === 'per-channel') return value;
  throw new ValidationError('--input', `expected standard or per-channel, got "${value}"`);
}

function need(args: string[], index: number, name: string): string {
  const value = args[index];
  if (value === undefined) throw new ValidationError(name, `missing <${name}> (see cajal --help)`);
  return value;
}

const OPTIONS = {
  param: { type: 'string', multiple: true },
  out: { type: 'string' },
  overwrite: { type: 'boolean' },
  detector: { type: 'string' },
  'channel-mode': { type: 'string' },
  channels: { type: 'string' },
  project: { type: 'string' },
  name: { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string' },
  'max-epochs': { type: 'string' },
  resume: { type: 'string' },
  backend: { type: 'string' },
  format: { type: 'string' },
  segments: { type: 'string', multiple: true },
  'segment-dataset': { type: 'string', multiple: true },
  input: { type: 'string' },
  scope: { type: 'string' },
} as const;

async function seizure(args: string[], flags: ParsedFlags<typeof OPTIONS>, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [sub, ...rest] = args;
  const common = { seed: integer('--seed', flags.seed), maxEpochs: integer('--max-epochs', flags['max-epochs']), backend: backend(flags.backend) };
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (sub) {
    case 'detect':
      return seizureDetect(need(rest, 0, 'project'), need(rest, 1, 'recording-id'), cli.parseParams(flags.param ?? []), defined({ detector: flags.detector, out: flags.out, overwrite: flags.overwrite, channelMode: flags['channel-mode'], channels: flags.channels }), cli);
    case 'score':
      return seizureScore(need(rest, 0, 'reference.tsv'), need(rest, 1, 'hypothesis.tsv'), io);
    case 'train':
      return seizureTrain(
        rest,
        defined({ ...common, out: flags.out, overwrite: flags.overwrite, project: flags.project, name: flags.name, resume: integer('--resume', flags.resume), segments: flags.segments, datasets: flags['segment-dataset'], input: input(flags.input) }),
        cli,
      );
    case 'eval':
      return seizureEval(rest, defined({ ...common, model: flags.model }), io);
    case 'segments':
      return seizureSegments(rest, defined({ format: flags.format, name: flags.name }), cli);
    case 'improve':
      return seizureImprove(need(rest, 0, 'project'), need(rest, 1, 'run-id'), defined({ scope: flags.scope }), cli);
    default:
      throw new ValidationError('seizure', `unknown seizure command "${sub ?? ''}" (expected detect, score, train, eval, segments or improve)`);
  }
}

export const seizureCommand = defineCommand({
  verb: 'seizure',
  options: OPTIONS,
  run: seizure,
  usage: [
    {
      verb: 'seizure',
      sub: 'detect',
      synopsis: ['seizure detect <project> <recording-id> [--detector classical|neural|both] [--channel-mode auto|standard|per-channel] [--channels A,B] [--out events.tsv] [--overwrite]'],
      description: [
        'run the seizure detectors (default both; a project without a',
        'neural model gets the shipped default one); events and 1 Hz',
        'probability are stored,',
        '--out writes the events as SzCORE TSV to that path (both',
        'detectors: <out>.classical.tsv and <out>.neural.tsv);',
        '--channel-mode: the SzCORE 19-channel standard input, or every',
        'EEG channel >= 100 Hz scored alone (any montage); auto (default)',
        'takes standard when the recording has it; --channels limits',
        'per-channel detection to those labels',
      ],
      json: true,
    },
    {
      verb: 'seizure',
      sub: 'score',
      synopsis: ['seizure score <reference.tsv> <hypothesis.tsv>'],
      description: ['SzCORE event- and sample-based scores (SzCORE TSV or BIDS events)'],
      json: true,
    },
    {
      verb: 'seizure',
      sub: 'train',
      synopsis: [
        'seizure train [<file.edf>...] --project P [--out FOLDER [--overwrite]] [--name N] [--seed N] [--max-epochs N] [--resume MODEL-ID] [--input standard|per-channel]',
        'seizure train [<file.edf>|<segments-folder>...] [--segments FOLDER]... --input per-channel --project P|--out FOLDER',
        'seizure train --segment-dataset ID|NAME... --project P [--out FOLDER]',
      ],
      description: [
        'train the neural detector on EDFs with seizure annotations',
        '(EDF+ "seizure…"/"sz…" or <name>_events.tsv) and, for the',
        'per-channel detector (--input per-channel; segments imply it),',
        'folders of labelled segments (Bonn, New Delhi, labels.csv)',
        'among the files or with --segments, or datasets stored in P',
        '(--segment-dataset, see seizure segments), as a run of P: the',
        "files are imported (none: all of P's recordings), progress on",
        'stderr, the model stored with the run (see `cajal runs`), a',
        'checkpoint every epoch; Ctrl-C cancels and keeps the last one',
        '(incomplete), --resume continues from it; --out also writes',
        'TF.js files. Without --project: trains in this process and only',
        'writes --out',
      ],
      json: true,
    },
    {
      verb: 'seizure',
      sub: 'eval',
      synopsis: ['seizure eval <file.edf>... [--model FOLDER]'],
      description: ['SzCORE scores of a TF.js model, or leave-one-recording-out'],
      json: true,
    },
    {
      verb: 'seizure',
      sub: 'segments',
      synopsis: [
        'seizure segments import <project> <folder> [--format bonn|delhi|labels-csv] [--name N]',
        'seizure segments list <project>',
        'seizure segments delete <project> <dataset-id>',
      ],
      description: [
        'labelled EEG segments as a dataset of the project, for training',
        'and evaluation: Bonn set folders (A_Z…E_S), New Delhi class',
        'folders (ictal, interictal, preictal) or a folder with',
        'labels.csv (file,label[,rate_hz][,group]); the layout is told',
        'from the folder unless --format says; --name defaults to the',
        "folder's name",
      ],
      json: true,
    },
    {
      verb: 'seizure',
      sub: 'improve',
      synopsis: ['seizure improve <project> <detection-run-id> [--scope recording|site]'],
      description: [
        'fine-tune the model of a neural detection run on its accepted and',
        'rejected events (--scope site: every reviewed recording) as a run;',
        'the previous model is kept; prints before/after (exit 2 when the',
        'new model misses an accepted seizure)',
      ],
      json: true,
    },
  ],
});
