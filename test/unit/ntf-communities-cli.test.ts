/**
 * `cajal ntf communities <edges.csv>`: the CSV edge-list reader's rules and the command end to end
 * on a small graph with two planted groups.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../main/errors.js';
import { parseEdgeListCsv } from '../../main/io/edge-list.js';
import { runCli } from '../../main/cli/main.js';
import type { CommunitiesReport } from '../../main/domains/ntf/cli.js';
import { nodeBlocksPerLevel as blocksOfNodes } from '../../main/pipelines/ntf/keys.js';
import { hierarchyOrder } from '../../main/domains/ntf/view.js';
import { shownLevel } from '../../main/pipelines/ntf/index.js';
import { seededRandom } from '../../shared/random.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('parseEdgeListCsv', () => {
  it('reads a header, names, tabs and symmetric listings; orders integer ids by value', () => {
    const named = parseEdgeListCsv('source,target,weight\nAVAL,AVAR,2.5\nAVAR,AVAL,2.5\n# note\n\nAVAR,RIML,0.5\n', 'a.csv');
    expect(named.names).toEqual(['AVAL', 'AVAR', 'RIML']);
    expect(Array.from(named.edges)).toEqual([0, 1, 1, 2]);
    expect(Array.from(named.weights)).toEqual([2.5, 0.5]);
    expect(named.weighted).toBe(true);
    const numbered = parseEdgeListCsv('10\t2\t1\n2\t3\t0\n3\t10\t4\r\n', 'b.tsv');
    expect(numbered.names).toEqual(['2', '3', '10']);
    // The weight-0 pair is no edge.
    expect(Array.from(numbered.edges)).toEqual([0, 2, 1, 2]);
    const unweighted = parseEdgeListCsv('from,to\na,b\nb,c\n', 'c.csv');
    expect(unweighted.weighted).toBe(false);
    expect(Array.from(unweighted.weights)).toEqual([1, 1]);
  });

  it('names the file and line of what it cannot read', () => {
    expect(() => parseEdgeListCsv('a,b,1\na,a,1\n', 'x.csv')).toThrow(/x\.csv: field "line 2".*self-loop/);
    expect(() => parseEdgeListCsv('a,b,1\nb,a,2\n', 'x.csv')).toThrow(/listed again with weight 2 \(line 1 gave 1\)/);
    expect(() => parseEdgeListCsv('a,b,1\nb,c,-1\n', 'x.csv')).toThrow(/line 2.*not a finite number ≥ 0/);
    expect(() => parseEdgeListCsv('a,b,1\nb,c\n', 'x.csv')).toThrow(/has 2 fields where earlier lines have 3/);
    expect(() => parseEdgeListCsv('source,target,weight\n', 'x.csv')).toThrow(FormatError);
  });
});

describe('nodeBlocksPerLevel', () => {
  it('composes the nested labels into per-node blocks at every level', () => {
    const perNode = blocksOfNodes([Int32Array.from([0, 1, 1, 2]), Int32Array.from([0, 0, 1]), Int32Array.from([0, 0])]);
    expect(perNode.map((level) => Array.from(level))).toEqual([[0, 1, 1, 2], [0, 0, 0, 1], [0, 0, 0, 0]]);
  });
});

describe('cajal ntf communities', () => {
  const tmp = tempDir('cajal-ntf-communities-');
  afterAll(() => tmp.cleanup());

  it('prints the hierarchy, degree correction and description length; --json gives the same data', async () => {
    // Two groups of 20 nodes: dense and heavy inside, sparse and light between.
    const random = seededRandom(4);
    const lines = ['source,target,weight'];
    for (let i = 0; i < 40; i++) {
      for (let j = i + 1; j < 40; j++) {
        const same = i < 20 === j < 20;
        if (random() < (same ? 0.9 : 0.03)) lines.push(`n${i},n${j},${(same ? 2 + random() : 0.2 * random()).toFixed(4)}`);
      }
    }
    const file = join(tmp.dir, 'edges.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const json = await cli('ntf', 'communities', file, '--json', '--seed', '3');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.out.join('\n')) as CommunitiesReport;
    expect(result.nodes).toHaveLength(40);
    expect(result.edges).toBe(lines.length - 1);
    expect(result.weighted).toBe(true);
    expect(result.descriptionLength).toBeGreaterThan(0);
    expect(typeof result.degreeCorrected).toBe('boolean');
    expect(result.levels[0]).toHaveLength(40);
    // Each level labels the previous level's blocks.
    for (let l = 1; l < result.levels.length; l++) expect(result.levels[l]).toHaveLength(result.blocksPerLevel[l - 1]!);
    const finest = blocksOfNodes(result.levels.map((level) => Int32Array.from(level)))[0]!;
    // The two planted groups never share a block.
    const group = result.nodes.map((name) => (Number(name.slice(1)) < 20 ? 0 : 1));
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) expect(finest[i] === finest[j]).toBe(group[i] === group[j]);
    const text = await cli('ntf', 'communities', file, '--seed', '3');
    expect(text.code).toBe(0);
    expect(text.out[0]).toMatch(/^40 nodes, \d+ edges, weights as real-exponential covariates; (not )?degree-corrected; description length [\d.]+ nats/);
    expect(text.out.join('\n')).toMatch(/^block 0: n0, n\d+, /m);
  });

  it('rejects a missing file and bad flags', async () => {
    const missing = await cli('ntf', 'communities', join(tmp.dir, 'none.csv'));
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toMatch(/none\.csv/);
    const flag = await cli('ntf', 'communities', join(tmp.dir, 'none.csv'), '--degree-corrected', 'maybe');
    expect(flag.err.join('\n')).toMatch(/--degree-corrected: expected auto, yes or no/);
    expect((await cli('ntf', 'communities')).err.join('\n')).toMatch(/missing <edges\.csv>/);
  });
});

describe('the NTF pipeline’s hierarchy helpers', () => {
  it('shows the finest level with fewer blocks than nodes', () => {
    const singletons = [Int32Array.from([0, 1, 2, 3]), Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 0])];
    expect(shownLevel(singletons, 4)).toEqual({ level: 1, blocks: Int32Array.from([0, 0, 1, 1]), count: 2 });
    expect(shownLevel([Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 0])], 4).level).toBe(0);
  });

  it('orders neurons so that every level’s blocks are contiguous, strongest first', () => {
    // 6 neurons; level 0 blocks {0,3}, {1,4}, {2,5}; level 1 joins the first two.
    const n = 6;
    const matrix = new Float32Array(n * n);
    const link = (i: number, j: number, w: number) => ((matrix[i * n + j] = w), (matrix[j * n + i] = w));
    link(0, 3, 1);
    link(1, 4, 2);
    link(2, 5, 5);
    const perNode = [Int32Array.from([0, 1, 2, 0, 1, 2]), Int32Array.from([0, 0, 1, 0, 0, 1])];
    const order = hierarchyOrder(matrix, n, perNode);
    // Level 1: block 1 ({2,5}, strength 10) before block 0 (strength 6); inside it {1,4} (4) before {0,3} (2).
    expect(order.slice(0, 2).sort()).toEqual([2, 5]);
    expect(order.slice(2, 4).sort()).toEqual([1, 4]);
    expect(order.slice(4, 6).sort()).toEqual([0, 3]);
  });
});
