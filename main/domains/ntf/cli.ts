/**
 * `cajal ntf run <project> [--ranks 2..12] [--restarts 8] [--recordings 1,2] [--rank N] [--seed N]
 * [--dataset D] [--param key=value]…`: the functional-connectome NTF pipeline on the project's calcium
 * recordings (all of them unless --recordings names some), as a run with progress and Ctrl-C to
 * cancel; prints the rank sweep, the suggested rank with its reasons, and each component's
 * communities.
 *
 * `cajal ntf communities <edges.csv> [--seed N] [--degree-corrected auto|yes|no]`: the paper's
 * community step (nested weighted SBM) on any weighted undirected graph, no project needed.
 */
import { ValidationError } from '../../errors.js';
import { table } from '../../console/format.js';
import { report } from '../../console/output.js';
import { defineCommand, type CliContext } from '../types.js';
import { NtfView } from './view.js';
import { readEdgeListCsv } from '../../io/edge-list.js';
import { fitNestedSbm } from '../../pipelines/ntf/communities/nested.js';
import { nodeBlocksPerLevel } from '../../pipelines/ntf/keys.js';

export interface NtfFlags {
  ranks?: string;
  restarts?: string;
  recordings?: string;
  rank?: string;
  seed?: string;
  dataset?: string;
  'degree-corrected'?: string;
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

/** What `cajal ntf communities --json` prints. */
export interface CommunitiesReport {
  file: string;
  /** Node names in the order the labels index them. */
  nodes: string[];
  edges: number;
  weighted: boolean;
  /** The hierarchy, finest first: levels[0] labels the nodes, levels[l] the blocks of level l − 1. */
  levels: number[][];
  blocksPerLevel: number[];
  degreeCorrected: boolean;
  /** graph-tool's NestedBlockState.entropy() of the hierarchy, in nats. */
  descriptionLength: number;
  seed: number;
  seconds: number;
}

function degreeCorrection(value: string | undefined): boolean | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  throw new ValidationError('--degree-corrected', `expected auto, yes or no, got "${value}"`);
}

export async function communities(file: string | undefined, flags: NtfFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  if (!file) throw new ValidationError('edges.csv', 'missing <edges.csv> (lines source,target,weight; see cajal --help)');
  const seed = flags.seed !== undefined ? wholeNumber('--seed', flags.seed) : 0;
  const degreeCorrected = degreeCorrection(flags['degree-corrected']);
  const graph = await readEdgeListCsv(file);
  io.err(`${file}: ${graph.names.length} nodes, ${graph.weights.length} edges${graph.weighted ? ' (weighted)' : ''}; fitting the nested SBM…`);
  const started = performance.now();
  const fit = fitNestedSbm({ n: graph.names.length, edges: graph.edges, weights: graph.weights }, { seed, degreeCorrected, weighted: graph.weighted });
  const levels = fit.levels.map((level) => Array.from(level));
  const result: CommunitiesReport = {
    file,
    nodes: graph.names,
    edges: graph.weights.length,
    weighted: graph.weighted,
    levels,
    blocksPerLevel: levels.map((level) => (level.length ? Math.max(...level) + 1 : 0)),
    degreeCorrected: fit.degreeCorrected,
    descriptionLength: fit.descriptionLength,
    seed,
    seconds: (performance.now() - started) / 1000,
  };
  report(io, result, () => {
    io.out(
      `${result.nodes.length} nodes, ${result.edges} edges${result.weighted ? ', weights as real-exponential covariates' : ''}; ` +
        `${result.degreeCorrected ? 'degree-corrected' : 'not degree-corrected'}; description length ${result.descriptionLength.toFixed(2)} nats (${result.seconds.toFixed(1)} s)`,
    );
    const perNode = nodeBlocksPerLevel(fit.levels);
    io.out(
      table(
        ['level', 'blocks', 'block sizes (nodes)'],
        perNode.map((blocks, l) => {
          const sizes = new Array<number>(result.blocksPerLevel[l]!).fill(0);
          for (const b of blocks) sizes[b]!++;
          return [l, result.blocksPerLevel[l]!, sizes.join(' ')];
        }),
      ),
    );
    const finest = perNode[0];
    if (finest) {
      for (let b = 0; b < result.blocksPerLevel[0]!; b++) {
        const members = result.nodes.filter((_, i) => finest[i] === b);
        const shown = members.slice(0, 12).join(', ');
        io.out(`block ${b}: ${shown}${members.length > 12 ? `, … (${members.length} nodes)` : ''}`);
      }
    }
  });
  return 0;
}

export async function ntf(args: string[], flags: NtfFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [sub, projectPath] = args;
  if (sub === 'communities') return communities(projectPath, flags, cli);
  if (sub !== 'run') throw new ValidationError('ntf', `unknown ntf command "${sub ?? ''}" (expected run or communities)`);
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
    'degree-corrected': { type: 'string' },
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
    {
      verb: 'ntf',
      sub: 'communities',
      synopsis: ['ntf communities <edges.csv> [--seed N] [--degree-corrected auto|yes|no]'],
      description: [
        'nested weighted SBM (graph-tool\'s model) of any undirected graph,',
        'CSV lines source,target[,weight]: the hierarchy of blocks,',
        'degree correction and description length',
      ],
      json: true,
    },
  ],
});
