/** `cajal seizure detect|score|train|eval`: argument handling for the seizure commands. */
import { BackendName } from '../../shared/api/index.js';
import { ValidationError } from '../errors.js';
import { parseParams, type Output } from './commands.js';
import { seizureDetect } from './seizure-detect.js';
import { seizureEval, seizureTrain } from './seizure-neural.js';
import { seizureScore } from './seizure-score.js';

export interface SeizureFlags {
  param?: string[];
  out?: string;
  detector?: string;
  project?: string;
  name?: string;
  model?: string;
  seed?: string;
  'max-epochs'?: string;
  /** seizure train: the checkpoint (model id) to continue from. */
  resume?: string;
  backend?: string;
  /** --out may replace existing files. */
  overwrite?: boolean;
}

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

function need(args: string[], index: number, name: string): string {
  const value = args[index];
  if (value === undefined) throw new ValidationError(name, `missing <${name}> (see cajal --help)`);
  return value;
}

export async function seizure(args: string[], flags: SeizureFlags, io: Output): Promise<number> {
  const [sub, ...rest] = args;
  const common = { seed: integer('--seed', flags.seed), maxEpochs: integer('--max-epochs', flags['max-epochs']), backend: backend(flags.backend) };
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (sub) {
    case 'detect':
      return seizureDetect(need(rest, 0, 'project'), need(rest, 1, 'recording-id'), parseParams(flags.param ?? []), defined({ detector: flags.detector, out: flags.out, overwrite: flags.overwrite }), io);
    case 'score':
      return seizureScore(need(rest, 0, 'reference.tsv'), need(rest, 1, 'hypothesis.tsv'), io);
    case 'train':
      return seizureTrain(rest, defined({ ...common, out: flags.out, overwrite: flags.overwrite, project: flags.project, name: flags.name, resume: integer('--resume', flags.resume) }), io);
    case 'eval':
      return seizureEval(rest, defined({ ...common, model: flags.model }), io);
    default:
      throw new ValidationError('seizure', `unknown seizure command "${sub ?? ''}" (expected detect, score, train or eval)`);
  }
}
