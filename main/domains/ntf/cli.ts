/**
 * `cajal ntf run <project> [--ranks 2..12] [--restarts 8] [--recordings 1,2] [--rank N] [--seed N]
 * [--dataset D] [--param key=value]…`: the functional-connectome NTF pipeline on the project's calcium
 * recordings (all of them unless --recordings names some), as a run with progress and Ctrl-C to
 * cancel; prints the rank sweep, the suggested rank with its reasons, and each component's
 * communities.
 */
import { ValidationError } from '../../errors.js';
import { table } from '../../console/format.js';
import { report } from '../../console/output.js';
import { defineCommand, type CliContext } from '../types.js';
import { NtfView } from './view.js';

export interface NtfFlags {
  ranks?: string;
  restarts?: string;
  recordings?: string;
  rank?: string;
  seed?: string;
  dataset?: string;
  params?: Record<string, unknown>;
}

function wholeNumber(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new ValidationError(flag, `expected a whole number, got "${value}"`);
  return parsed;
}

/** `2..12` → [2, 12]; `6` → [6, 6]. */
export function parseRankRange(value: string): [number, number] {
  const match = /^(\d+)(?:\.\.(\d+))?$/.exec(value.trim());
  if (!match) throw new ValidationError('--ranks', `expected a rank or a range like 2..12, got "${value}"`);
  const min = Number(match[1]);
  const max = Number(match[2] ?? match[1]);
  if (min < 1 || max < min) throw new ValidationError('--ranks', `expected 1 ≤ min ≤ max, got "${value}"`);
  return [min, max];
}

export async function ntf(args: string[], flags: NtfFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [sub, projectPath] = args;
  if (sub !== 'run') throw new ValidationError('ntf', `unknown ntf command "${sub ?? ''}" (expected run)`);
  if (!projectPath) throw new ValidationError('project', 'missing <project> (see cajal --help)');
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const calcium = project.store.recordings.list().filter((r) => r.metadata.modality === 'calcium');
    const recordingIds = flags.recordings
      ? flags.recordings.split(',').map((id) => wholeNumber('--recordings', id.trim()))
      : calcium.map((r) => r.id);
    if (!recordingIds.length) {
      throw new ValidationError('--recordings', 'the project has no calcium recordings (add some with `cajal import <project> <file>`)');
    }
    const [minRank, maxRank] = parseRankRange(flags.ranks ?? '2..12');
    const params: Record<string, unknown> = {
      ...flags.params,
      recordingIds,
      minRank,
      maxRank,
      ...(flags.restarts !== undefined ? { restarts: wholeNumber('--restarts', flags.restarts) } : {}),
      ...(flags.rank !== undefined ? { rank: wholeNumber('--rank', flags.rank) } : {}),
      ...(flags.seed !== undefined ? { seed: wholeNumber('--seed', flags.seed) } : {}),
      ...(flags.dataset !== undefined ? { dataset: flags.dataset } : {}),
    };
    const run = await project.runAndWait('ntf', null, params);
    if (run.status !== 'succeeded') return 1;
    // The API's result (JSON already): the sweep, the suggested rank and why, components, communities.
    const result = new NtfView(project.store).result(run.id);
    report(io, { project: project.projectPath, ...result }, () => {
      io.out(`animals: ${result.animals.map((a) => a.name).join(', ')}; ${result.neurons.length} neurons; ${result.binCount} time bins`);
      io.out(
        table(
          ['rank', 'best error', 'worst error', 'similarity', 'iterations', 'time (s)'],
          result.sweep.map((row) => [
            row.rank,
            row.errors[0]!.toFixed(4),
            row.errors.at(-1)!.toFixed(4),
            row.similarity.toFixed(3),
            row.iterations.join(' '),
            (row.durationMs / 1000).toFixed(2),
          ]),
        ),
      );
      for (const line of result.rankReasoning) io.out(line);
      io.out(
        table(
          ['component', 'λ', 'peak bin', 'animal weights', 'SBM communities', 'Louvain communities'],
          result.components.map((c) => [
            c.index + 1,
            c.weight.toPrecision(4),
            c.timeCourse.indexOf(Math.max(...c.timeCourse)),
            c.animalWeights.map((w) => w.toFixed(2)).join(' '),
            c.communities.count,
            c.baseline.count,
          ]),
        ),
      );
      io.out(`stored as run ${run.id} in ${project.projectPath}; open the Connectome view (Alt+6) to explore it`);
    });
    return 0;
  });
}

export const ntfCommand = defineCommand({
  verb: 'ntf',
  options: {
    ranks: { type: 'string' },
    restarts: { type: 'string' },
    recordings: { type: 'string' },
    rank: { type: 'string' },
    seed: { type: 'string' },
    dataset: { type: 'string' },
    param: { type: 'string', multiple: true },
  },
  run: (args, { param, ...flags }, cli) => ntf(args, { ...flags, params: cli.parseParams(param ?? []) }, cli),
  usage: [
    {
      verb: 'ntf',
      sub: 'run',
      synopsis: [
        'ntf run <project> [--ranks 2..12] [--restarts 8] [--recordings ID,ID] [--rank N] [--seed N]',
        '        [--dataset D] [--param key=value]...',
      ],
      description: [
        'functional connectome (Dyballa et al.): affinity tensor of the',
        'calcium recordings (default: all in the project, one animal',
        'each), NTF rank sweep, communities per component',
      ],
      json: true,
    },
  ],
});
