/**
 * `cajal mds cluster --toy-onoff`: with a project it is a stored `mds-cluster-toy` run the view
 * reads in the contract's shapes (no recording: no cell responses); without one it is computed and
 * printed. Small (12 and 10 cells, no split) to stay fast; the full toy is test/unit/mds-toy.test.ts.
 * Run: npx vitest run test/unit/mds-cli.test.ts
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MdsClustering, MdsRunSummary } from '../../shared/api/index.js';
import { runCli } from '../../main/cli/main.js';
import { MdsView } from '../../main/domains/mds/view.js';
import { Store } from '../../main/store/index.js';
import { tempDir } from '../helpers/tmp.js';

async function cli(args: string[]): Promise<{ code: number; json: Record<string, unknown>; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, json: out.length ? (JSON.parse(out.join('\n')) as Record<string, unknown>) : {}, err: err.join('\n') };
}

describe('mds cluster --toy-onoff', () => {
  const tmp = tempDir('cajal-mds-toy-');
  const project = join(tmp.dir, 'toy.cajal');
  afterAll(() => tmp.cleanup());

  it('runs in a project; the view reads it', { timeout: 60_000 }, async () => {
    Store.open(project).close();
    const toy = await cli(['mds', 'cluster', project, '--toy-onoff', '--clusters', '5', '--seed', '42', '--param', 'neurons=12', '--param', 'split=false']);
    expect(toy.code, toy.err).toBe(0);
    const store = Store.open(project, { create: false });
    try {
      const view = new MdsView(store);
      const [run] = view.runs().map((r) => MdsRunSummary.parse(r));
      expect(run).toMatchObject({ kind: 'cluster', recordingId: null, modelId: null, headline: '5 → 2 clusters, ARI 1.00' });
      const c = MdsClustering.parse(view.clustering(run!.runId));
      expect(c.recordingId).toBeNull();
      expect(c.clusters.map((x) => x.members.length)).toEqual([6, 6]);
      expect(c.mds.length).toBe(2 * 18 * 18);
      expect((await view.cellResponses(run!.runId, 1)).protocols).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('without a project prints the clustering', { timeout: 60_000 }, async () => {
    const toy = await cli(['mds', 'cluster', '--toy-onoff', '--clusters', '5', '--seed', '42', '--param', 'neurons=10', '--param', 'split=false']);
    expect(toy.code, toy.err).toBe(0);
    const c = toy.json.clustering as { clusters: unknown[]; knownTypes: { ari: number } };
    expect(c.clusters).toHaveLength(2);
    expect(c.knownTypes.ari).toBe(1);
  });

  it('refuses an unknown subcommand and a model that is not an MDS response model', async () => {
    expect((await cli(['mds', 'nope'])).code).not.toBe(0);
    Store.open(project, { create: false }).close();
    const bad = await cli(['mds', 'cluster', project, '99']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/not an MDS response model/);
  });
});
