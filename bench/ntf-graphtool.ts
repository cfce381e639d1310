/**
 * Our nested SBM beside graph-tool's minimize_nested_blockmodel_dl (2.45) — the paper's community
 * step — and Louvain (issue #23). Not part of `npm run bench` (minutes to an hour on 2 cores):
 *
 *   npx tsx bench/ntf-graphtool.ts lfr [--ids 0:13,6:13] [--settings 0,6] [--out rows.json]
 *       the paper's 9 weighted-LFR settings × 10 seeds (graphs regenerated from their seeds; the
 *       graph-tool fits and Louvain partitions come from test/fixtures/reference/lfr-graphtool.json,
 *       made by lfr_graphtool.py): NMI at the best level, description length, blocks, time;
 *       --out writes the per-graph rows (and our hierarchies) as JSON.
 *   npx tsx bench/ntf-graphtool.ts table a.json b.json …
 *       one table from the rows of several --out files (e.g. settings run in parallel processes).
 *   npx tsx bench/ntf-graphtool.ts worms [--rank 10]
 *       the components of the two C. elegans recordings (../shared/data, the rank-10 fit of
 *       `cajal ntf run --ranks 2..12 --restarts 8`'s sweep), graph-tool run live with
 *       /usr/bin/python3: blocks per level of both fits and the NMI between their partitions.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { normalizeKruskal } from '../main/pipelines/ntf/cp/ktensor.js';
import { rankSweep } from '../main/pipelines/ntf/cp/sweep.js';
import {
  compareWithGraphTool,
  edgeListChecksum,
  formatGraphToolTable,
  toEdgeList,
  type GraphToolFit,
  type LfrComparisonRow,
} from '../main/pipelines/ntf/communities/evaluate.js';
import { fitNestedSbm } from '../main/pipelines/ntf/communities/nested.js';
import { normalizedMutualInformation } from '../main/pipelines/ntf/communities/nmi.js';
import { componentGraph } from '../main/pipelines/ntf/index.js';
import { nodeBlocksPerLevel } from '../main/pipelines/ntf/keys.js';
import { deriveSeed } from '../shared/random.js';
import { DATA, wormTensor } from './ntf.bench.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'reference', 'lfr-graphtool.json');
const SCRIPT = join(ROOT, 'test', 'fixtures', 'reference', 'lfr_graphtool.py');

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function lfr(): void {
  const reference = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { graphs: GraphToolFit[] };
  const settings = flag('settings')?.split(',');
  const ids = flag('ids')?.split(',') ?? (settings ? reference.graphs.map((g) => g.id).filter((id) => settings.includes(id.split(':')[0]!)) : undefined);
  // Our hierarchies, kept to have graph-tool itself recompute their description length.
  const hierarchies: { id: string; n: number; edges: number[]; weights: number[]; levels: number[][]; degreeCorrected: boolean }[] = [];
  const rows = compareWithGraphTool(reference, (graph, seed) => {
    const fit = fitNestedSbm(graph, { seed });
    hierarchies.push({ id: '', n: graph.n, edges: Array.from(graph.edges), weights: Array.from(graph.weights), levels: fit.levels.map((l) => Array.from(l)), degreeCorrected: fit.degreeCorrected });
    return fit;
  }, {
    ids,
    onGraph: (row, index, total) =>
      console.error(
        `${index}/${total} ${row.id}: DL ours ${row.ours.descriptionLength.toFixed(1)} vs gt ${row.graphTool.descriptionLength.toFixed(1)} (${(100 * row.descriptionLengthExcess).toFixed(2)} %), ` +
          `NMI ${row.ours.nmi.toFixed(3)} vs ${row.graphTool.nmi.toFixed(3)} (Louvain ${row.louvain.nmi.toFixed(3)}), blocks ${row.ours.blocksPerLevel.join('→')} vs ${row.graphTool.blocksPerLevel.join('→')}, ${row.ours.seconds.toFixed(1)} s`,
      ),
  });
  console.log(formatGraphToolTable(rows));
  const out = flag('out');
  if (out) writeFileSync(out, JSON.stringify({ rows, hierarchies }));
  // graph-tool's NestedBlockState.entropy() of our hierarchies: the DL we report is the reference's.
  rows.forEach((row, i) => (hierarchies[i]!.id = row.id));
  const check = spawnSync('/usr/bin/python3', [join(ROOT, 'test', 'fixtures', 'reference', 'lfr_graphtool_entropy.py')], {
    input: JSON.stringify({ graphs: hierarchies }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (check.status !== 0) {
    console.log(`graph-tool check of our description lengths not run: ${check.stderr.trim().split('\n').at(-1)}`);
    return;
  }
  const entropies = (JSON.parse(check.stdout) as { entropies: { id: string; entropy: number }[] }).entropies;
  const worst = Math.max(...rows.map((row, i) => Math.abs(row.ours.descriptionLength / entropies[i]!.entropy - 1)));
  const lower = rows.filter((row) => row.descriptionLengthExcess < -1e-9).length;
  console.log(
    `graph-tool's entropy() of our ${rows.length} hierarchies equals our description length to ${worst.toExponential(1)} relative (worst); ` +
      `ours is lower than graph-tool's minimum on ${lower}, within 1 % on ${rows.filter((row) => row.descriptionLengthExcess <= 0.01).length} of ${rows.length} graphs; ` +
      `NMI ≥ graph-tool's − 0.02 on ${rows.filter((row) => row.ours.nmi >= row.graphTool.nmi - 0.02).length}`,
  );
}

/** Per-node blocks of the finest level with fewer blocks than nodes (or level 0). */
function finestStructured(levels: readonly ArrayLike<number>[], n: number): { level: number; blocks: Int32Array } {
  const perNode = nodeBlocksPerLevel(levels);
  const level = Math.max(0, perNode.findIndex((blocks) => new Set(blocks).size < n));
  return { level, blocks: perNode[level] ?? new Int32Array(n) };
}

async function worms(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`worms: skipped, ${DATA} not found`);
    return;
  }
  const rank = Number(flag('rank') ?? 10);
  const tensor = await wormTensor();
  const neurons = Math.round((1 + Math.sqrt(1 + 8 * tensor.shape[0]!)) / 2);
  // The same fits as `cajal ntf run --ranks 2..12 --restarts 8 --seed 0` at this rank: restart
  // seeds depend only on (seed, rank, restart).
  const sweep = await rankSweep(tensor, { minRank: rank, maxRank: rank, restarts: 8, seed: 0 });
  const fit = normalizeKruskal(sweep.best.get(rank)!.kruskal);
  const graphs = Array.from({ length: rank }, (_, r) => {
    const list = toEdgeList(componentGraph(fit, r, neurons));
    return { id: `component ${r + 1}`, n: list.n, edges: Array.from(list.edges), weights: Array.from(list.weights), checksum: edgeListChecksum(list), list };
  });
  const dir = mkdtempSync(join(tmpdir(), 'cajal-ntf-graphtool-'));
  try {
    const input = join(dir, 'graphs.json');
    writeFileSync(input, JSON.stringify({ graphs: graphs.map(({ list: _list, ...g }) => g) }));
    console.error(`worms: ${rank} components of ${neurons} neurons; graph-tool fits them (minutes)…`);
    const run = spawnSync('/usr/bin/python3', [SCRIPT, input], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`lfr_graphtool.py failed (${run.status})`);
    const reference = JSON.parse(run.stdout) as { graphs: GraphToolFit[] };
    const lines = [
      '| component | edges | blocks per level: ours | graph-tool | DC ours / gt | DL ours / gt | NMI ours vs gt (finest structured levels) | best NMI over level pairs | Louvain blocks |',
      '|---|---|---|---|---|---|---|---|---|',
    ];
    for (const [r, graph] of graphs.entries()) {
      const gt = reference.graphs[r]!;
      const ours = fitNestedSbm({ n: graph.list.n, edges: graph.list.edges, weights: graph.list.weights }, { seed: deriveSeed(0, 1000 + r) });
      const a = finestStructured(ours.levels, neurons);
      const b = finestStructured(gt.levels, neurons);
      let best = 0;
      for (const x of nodeBlocksPerLevel(ours.levels)) for (const y of nodeBlocksPerLevel(gt.levels)) best = Math.max(best, normalizedMutualInformation(x, y));
      lines.push(
        `| ${r + 1} | ${graph.list.weights.length} | ${ours.levels.map((l) => Math.max(...l) + 1).join('→')} | ${gt.blocksPerLevel.join('→')} | ` +
          `${ours.degreeCorrected ? 'DC' : 'NDC'} / ${gt.degreeCorrected ? 'DC' : 'NDC'} | ${ours.descriptionLength.toFixed(1)} / ${gt.descriptionLength.chosen.toFixed(1)} | ` +
          `${normalizedMutualInformation(a.blocks, b.blocks).toFixed(3)} (levels ${a.level}, ${b.level}) | ${best.toFixed(3)} | ${gt.louvain.blocks} |`,
      );
    }
    console.log(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(files: string[]): void {
  const rows = files.flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as { rows: LfrComparisonRow[] }).rows);
  console.log(formatGraphToolTable(rows));
  const within = rows.filter((row) => row.descriptionLengthExcess <= 0.01).length;
  const nmi = rows.filter((row) => row.ours.nmi >= row.graphTool.nmi - 0.02).length;
  console.log(`${rows.length} graphs: DL lower than graph-tool's on ${rows.filter((row) => row.descriptionLengthDifference < 0).length}, within 1 % on ${within}, NMI ≥ graph-tool's − 0.02 on ${nmi}`);
}

const mode = process.argv[2];
if (mode === 'lfr') lfr();
else if (mode === 'table') table(process.argv.slice(3));
else if (mode === 'worms') await worms();
else console.error('usage: npx tsx bench/ntf-graphtool.ts lfr [--ids A,B] [--settings 0,6] [--out rows.json] | table rows.json… | worms [--rank 10]');
