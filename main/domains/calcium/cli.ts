/**
 * `cajal calcium rate <project> <recording-id> <hz|reset>`: stores the frame rate of an imported
 * calcium recording with it (for files that state none, like the zebrafish CSV matrices); the
 * Traces view and NTF runs use it. The source file is not changed; `reset` restores the file's.
 */
import { ValidationError } from '../../errors.js';
import { report } from '../../console/output.js';
import { defineCommand, type CliContext } from '../types.js';
import { CalciumView } from './view.js';

async function calciumRate(args: string[], cli: CliContext): Promise<number> {
  const { io } = cli;
  const [projectPath, idArg, value] = args;
  if (!projectPath || !idArg || !value) throw new ValidationError('calcium rate', 'usage: cajal calcium rate <project> <recording-id> <hz|reset>');
  const recordingId = Number(idArg);
  if (!Number.isInteger(recordingId) || recordingId < 1) throw new ValidationError('recording-id', `expected a recording id (see cajal ls), got "${idArg}"`);
  const rate = value === 'reset' ? null : Number(value);
  if (rate !== null && !(value.trim() && Number.isFinite(rate) && rate > 0)) throw new ValidationError('hz', `expected a positive number of frames per second or "reset", got "${value}"`);
  return cli.withProject(projectPath, { create: false }, (project) => {
    const summary = new CalciumView(project.store).setFrameRate(recordingId, rate);
    report(io, { recordingId, name: summary.name, frameRateHz: summary.frameRateHz, setByUser: summary.frameRateSetByUser }, (v) =>
      io.out(`${v.name}: ${v.frameRateHz === null ? 'frame rate unknown' : `${v.frameRateHz} Hz`}${v.setByUser ? ' (set by user)' : ' (from the file)'}`),
    );
    return 0;
  });
}

export const calciumCommand = defineCommand({
  verb: 'calcium',
  options: {},
  async run(args, _flags, cli) {
    const [sub, ...rest] = args;
    if (sub !== 'rate') throw new ValidationError('calcium', `unknown calcium command "${sub ?? ''}" (expected rate)`);
    return calciumRate(rest, cli);
  },
  usage: [
    {
      verb: 'calcium',
      sub: 'rate',
      synopsis: ['calcium rate <project> <recording-id> <hz|reset>'],
      description: ['store the frame rate of an imported calcium recording', '(the file is unchanged; reset restores the file\'s rate)'],
      json: true,
    },
  ],
});
