/**
 * MDS runs (issue #21) as a user meets them in Runs, made by the CLI and read through the bridge:
 *  - run 1: the reference's toy on/off clustering (42 units, 5 random clusters → 2, ARI 1 against
 *    even/odd): the MDS images, the response and known-type confusions, trajectory and splits;
 *  - runs 2–4 on a tiny simulated retina with planted types (imported as recording 1): the
 *    response model's fit (loss curves, held-out r against the ceiling), its clustering (MDS movies
 *    with play/scrub and SVD components, baselines, each cell beside its cluster) and the on-the-fly
 *    assignment of new simulated cells;
 *  - on the real marmoset retina (49 ON/OFF parasol cells, grating reversals; skipped without
 *    ../shared/data): a model fit and a clustering whose MDS are full-field contrast traces.
 * Sizes are cut to minutes (few epochs, few optimiser steps, one ensemble member): the views are
 * under test here, not the figures (those are in the README with their commands).
 * Screenshots: test-results/mds-{toy,fit,cluster,assign,retina}.png (copied by hand to docs/).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { encodeCheckpoint } from '../../main/compute/nn/checkpoint.js';
import { buildMdsDataset } from '../../main/pipelines/mds/dataset.js';
import { defaultModelConfig, temporalSpan } from '../../main/pipelines/mds/model/config.js';
import { createResponseModelFromWeights, initialWeights, MDS_MODEL_FORMAT, MDS_MODEL_PIPELINE, type MdsModelBundleConfig } from '../../main/pipelines/mds/model/load.js';
import { Store } from '../../main/store/index.js';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

const RESULTS = join(REPO_ROOT, 'test-results');
const RETINA = 'spikes/marmoset_retina_parasol_reversing_gratings';
/** A tiny simulated retina: 8 planted types × 3 cells, 60 s of noise, 4 repeats of a 4 s test segment, 3 trials per protocol. */
const SIM = ['--seed', '3', '--param', 'cellsPerType=3', '--param', 'noiseS=60', '--param', 'testS=4', '--param', 'testRepeats=4', '--param', 'trials=3'];
/** Few optimiser steps and passes: the views are under test, not the clustering. */
const FAST_CLUSTER = ['--param', 'steps=10', '--param', 'finalSteps=10', '--param', 'maxIterations=3', '--param', 'splitStepsToEstimate=5', '--param', 'splitMaxRounds=1', '--param', 'subclusters=2'];
const FAST_BACKEND = ['--backend', 'wasm'];

/** `cajal … --json` in a child process: its JSON document, or the first line of the error with the end of stderr. */
function cliRun(...args: string[]): { ok: true; json: Record<string, unknown> } | { ok: false; message: string } {
  try {
    // `import` prints no JSON document (it does not take --json).
    const json = args[0] !== 'import';
    const out = execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), ...args, ...(json ? ['--json'] : [])], { stdio: 'pipe', maxBuffer: 256 << 20 }).toString();
    return { ok: true, json: json ? (JSON.parse(out) as Record<string, unknown>) : {} };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return { ok: false, message: `${e.message.split('\n')[0]}\n${e.stderr?.toString().slice(-1500) ?? ''}` };
  }
}

/** The run id in a CLI document ({ runId } or { run: { id } }). */
function runOf(json: Record<string, unknown>): number {
  const id = json.runId ?? (json.run as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number') throw new Error(`no run id in ${JSON.stringify(json).slice(0, 300)}`);
  return id;
}

/** The model a fit-model run stored ({ modelId } or { model: { id } }). */
function modelOf(json: Record<string, unknown>): number {
  const id = json.modelId ?? (json.model as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'number') throw new Error(`no model id in ${JSON.stringify(json).slice(0, 300)}`);
  return id;
}

/** A one-member random-init response model of the simulated retina, as a stored bundle's bytes. */
async function randomInitModel(folder: string): Promise<Uint8Array> {
  const tf = await activateBackend('cpu');
  const dataset = await buildMdsDataset({ path: folder });
  const model = defaultModelConfig(dataset.shape, { channels: [2, 4, 4], temporalKernels: [5, 3], spatialKernels: [5, 3], responseWindow: 3 });
  const config: MdsModelBundleConfig = {
    kind: 'mds-response-model',
    version: 1,
    model,
    stimulus: { ...dataset.shape, frames: temporalSpan(model) + model.responseWindow },
    stimulusStats: { mean: [0, 0], std: [0.5, 0.5], min: [-1, -1], max: [1, 1], clipNorm: 4 },
    neurons: dataset.nNeurons,
    unitIds: [...dataset.unitIds],
    cellTypes: [...dataset.cellTypes],
    seeds: [1],
    recordingId: 1,
  };
  const ensemble = createResponseModelFromWeights(tf, config, initialWeights(tf, config));
  try {
    return encodeCheckpoint({ params: ensemble.params, config });
  } finally {
    ensemble.dispose();
  }
}
if (!hasChromium()) console.warn(`mds-runs e2e: ${SKIP_NO_CHROMIUM}`);

describe.skipIf(!hasChromium())('MDS runs in the Runs view', () => {
  let session: AppSession;
  let page: Page;
  const scratch = tempDir('cajal-e2e-mds-');
  /** Why the simulated-retina runs are missing, when the CLI could not make them. */
  let simulatedFailure: string | null = null;
  /** Why there is no fit-model run (the clustering then goes through a random-init model). */
  let fitFailure: string | null = null;
  let clusterRun = 0;
  let assignRun = 0;
  let fitRun = 0;
  /** Why the real retina's runs are missing (no shared data, or the CLI failed). */
  let retinaFailure: string | null = null;
  let retinaFitRun = 0;
  let retinaClusterRun = 0;

  beforeAll(async () => {
    // The simulated retina is written first (its folder outlives the session's project), so that a
    // random-init response model of its shape can be made in this process: it stands in for the
    // fit-model run if that one cannot be made (the cluster and assign views are then still tested).
    const sim = join(scratch.dir, 'retina');
    const simulated = cliRun('mds', 'simulate', sim, ...SIM);
    const fallback = simulated.ok ? await randomInitModel(sim) : null;
    if (!simulated.ok) simulatedFailure = simulated.message;
    /** Recordings imported so far (ids are given in import order). */
    let recordings = 0;
    session = await openAppSession({
      viewport: { width: 1400, height: 1000 },
      prepare: (project) => {
        // Run 1: the toy (no recording).
        const toy = cliRun('mds', 'cluster', project, '--toy-onoff', '--clusters', '5', '--seed', '42');
        if (!toy.ok) throw new Error(toy.message);
        makeSimulatedRuns(project);
        makeRetinaRuns(project);
      },
    });
    page = session.page;
    if (simulatedFailure) console.warn(`mds-runs e2e: the simulated-retina runs could not be made; their tests are skipped:\n${simulatedFailure}`);
    if (retinaFailure) console.warn(`mds-runs e2e: the retina runs could not be made; their test is skipped:\n${retinaFailure}`);

    function makeSimulatedRuns(project: string): void {
      if (!simulated.ok || !fallback) return;
      // Recording 1: the tiny simulated retina. Runs 2–4: fit the model, cluster through it, assign new cells.
      const imported = cliRun('import', project, sim);
      if (!imported.ok) return void (simulatedFailure = imported.message);
      recordings += 1;
      const fit = cliRun('mds', 'fit-model', project, '1', '--epochs', '3', '--param', 'members=2', '--param', 'maxStepsPerEpoch=8', ...FAST_BACKEND);
      let modelId: number;
      if (fit.ok) {
        fitRun = runOf(fit.json);
        modelId = modelOf(fit.json);
      } else {
        fitFailure = fit.message;
        console.warn(`mds-runs e2e: the fit-model run could not be made (its test is skipped); clustering through a random-init model instead:\n${fit.message}`);
        const store = Store.open(project, { create: false });
        try {
          modelId = store.models.add({ name: 'random init (e2e)', pipeline: MDS_MODEL_PIPELINE, runId: null, format: MDS_MODEL_FORMAT, meta: {}, weights: fallback });
        } finally {
          store.close();
        }
      }
      const cluster = cliRun('mds', 'cluster', project, String(modelId), '--recording', '1', '--clusters', '4', '--seed', '1', ...FAST_CLUSTER, ...FAST_BACKEND);
      if (!cluster.ok) return void (simulatedFailure = cluster.message);
      clusterRun = runOf(cluster.json);
      const assign = cliRun('mds', 'assign', project, String(clusterRun), '--param', 'cellsPerType=3', '--param', 'repeats=3');
      if (!assign.ok) return void (simulatedFailure = assign.message);
      assignRun = runOf(assign.json);
    }

    function makeRetinaRuns(project: string): void {
      if (!hasSharedData()) return void (retinaFailure = 'no ../shared/data with the retina recording');
      // The next recording: the 49 marmoset parasol cells (reversing gratings). A fit-model run and a cluster run through it.
      const imported = cliRun('import', project, dataFile(RETINA));
      if (!imported.ok) return void (retinaFailure = imported.message);
      const recordingId = (recordings += 1);
      const fit = cliRun('mds', 'fit-model', project, String(recordingId), '--epochs', '2', '--param', 'members=1', '--param', 'maxStepsPerEpoch=8', ...FAST_BACKEND);
      if (!fit.ok) return void (retinaFailure = fit.message);
      retinaFitRun = runOf(fit.json);
      const cluster = cliRun('mds', 'cluster', project, String(modelOf(fit.json)), '--recording', String(recordingId), '--clusters', '5', '--seed', '42', ...FAST_CLUSTER, ...FAST_BACKEND);
      if (!cluster.ok) return void (retinaFailure = cluster.message);
      retinaClusterRun = runOf(cluster.json);
    }
  }, 1_800_000);

  afterAll(async () => {
    await session?.close();
    scratch.cleanup();
  });

  async function openRun(id: number): Promise<Locator> {
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByRole('button', { name: `Show run ${id}` }).click();
    return page.getByRole('region', { name: `Run ${id} details` });
  }

  /** Waits longer than Playwright's default (a loaded machine), and on timeout says what the details showed. */
  async function visibleOrExplain(part: Locator, details: Locator): Promise<void> {
    try {
      await part.waitFor({ timeout: 90_000 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nThe run details showed instead: ${(await details.textContent())?.slice(0, 2000)}`);
    }
  }

  /** The run details scroll inside the window: a tall viewport puts the whole summary in the picture. */
  async function shoot(name: string, height = 2000): Promise<void> {
    await page.setViewportSize({ width: 1400, height });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(RESULTS, name), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
  }

  async function noRawJson(details: Locator): Promise<void> {
    expect(await details.locator('.run-results').textContent()).not.toMatch(/\{"|"mds"|"trajectory"|"heldOutCorr"/);
  }

  it('shows the toy on/off clustering: two clusters of even and odd units, their MDS and confusions', async () => {
    const details = await openRun(1);
    await details.getByRole('heading', { name: /Run 1: mds-cluster-toy/ }).waitFor();
    const gallery = details.getByRole('region', { name: 'Most Discriminative Stimuli' });
    await visibleOrExplain(gallery, details);
    expect(await gallery.locator('.mds-tile').count()).toBe(2);
    expect(await gallery.getByRole('img', { name: /MDS, luminance$/ }).count()).toBe(2);
    expect(await details.locator('.result-line').first().textContent()).toMatch(/42 cells, 5 initial clusters → 2 clusters .*ARI 1\.00/);
    const confusion = details.getByRole('table', { name: 'Cluster by MDS response confusion' });
    expect(await confusion.locator('td').count()).toBe(4);
    const known = details.getByRole('table', { name: 'Clusters by known type' });
    expect(await known.textContent()).toMatch(/100 %.*100 %/);
    await details.getByRole('img', { name: /^Loss trajectory over \d+ passes$/ }).waitFor();
    await details.getByRole('table', { name: 'Split history' }).or(details.getByText(/No split was attempted/)).first().waitFor();
    await noRawJson(details);
    await shoot('mds-toy.png');
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows the response model fit: loss curves and held-out r against the reliability ceiling', async (context) => {
    if (simulatedFailure || fitFailure) context.skip();
    const details = await openRun(fitRun);
    await details.getByRole('heading', { name: new RegExp(`Run ${fitRun}: mds-fit-model`) }).waitFor();
    const loss = details.getByRole('img', { name: /^Poisson loss per frame and neuron/ });
    await visibleOrExplain(loss, details);
    expect(await loss.locator('path').count()).toBeGreaterThanOrEqual(1);
    const scatter = details.getByRole('img', { name: /^Held-out correlation against the ceiling for \d+ neurons$/ });
    await scatter.waitFor();
    expect(Number(await scatter.getAttribute('data-neurons'))).toBeGreaterThan(0);
    const table = details.getByRole('table', { name: 'Held-out correlation per cell type' });
    expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    // The model beside its controls on the same test trials: the linear filter and its own random init.
    expect(await table.locator('thead').textContent()).toMatch(/Linear filter r.*Random init r/);
    expect(await details.locator('.mds-controls').textContent()).toMatch(/^Controls on the same test trials: mean held-out r of the linear-filter baseline -?\d\.\d\d; the same ensemble at its random initialisation/);
    await noRawJson(details);
    await shoot('mds-fit.png', 1500);
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows the simulated clustering: MDS movies that play and scrub, confusions, baselines, each cell beside its cluster', async (context) => {
    if (simulatedFailure) context.skip();
    const details = await openRun(clusterRun);
    await details.getByRole('heading', { name: new RegExp(`Run ${clusterRun}: mds-cluster`) }).waitFor();
    const gallery = details.getByRole('region', { name: 'Most Discriminative Stimuli' });
    await visibleOrExplain(gallery, details);
    const tiles = await gallery.locator('.mds-tile').count();
    expect(tiles).toBeGreaterThanOrEqual(1);
    expect(await gallery.getByRole('img', { name: /spatial component/ }).count()).toBeGreaterThanOrEqual(tiles);
    expect(await gallery.getByRole('img', { name: /temporal component$/ }).count()).toBe(tiles);
    // Scrub, then play: the shown frame moves.
    const frame = gallery.getByRole('slider', { name: 'Frame' });
    await frame.fill('0');
    expect(await gallery.locator('output[aria-label="Shown frame"]').textContent()).toMatch(/^frame 1 of \d+/);
    await gallery.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(700);
    await gallery.getByRole('button', { name: 'Pause' }).click();
    expect(Number(await frame.inputValue())).toBeGreaterThan(0);
    await details.getByRole('table', { name: 'Cluster by MDS response confusion' }).waitFor();
    await details.getByRole('table', { name: 'Clusters by known type' }).waitFor();
    const baselines = details.getByRole('table', { name: 'MDS clustering against the baselines' });
    await baselines.waitFor();
    expect(await baselines.locator('tr[data-method="baseline"]').count()).toBeGreaterThanOrEqual(1);
    await details.getByRole('img', { name: /^Loss trajectory over \d+ passes$/ }).waitFor();
    await noRawJson(details);
    await shoot('mds-cluster.png', 2800);
    // Each cell beside its cluster: the first cell's protocols, then the next cell's.
    const cells = details.getByRole('region', { name: 'Cell responses' });
    await cells.scrollIntoViewIfNeeded();
    const plot = cells.getByRole('img', { name: /beside its cluster's mean$/ }).first();
    await visibleOrExplain(plot, details);
    const before = await plot.getAttribute('aria-label');
    await cells.getByRole('button', { name: 'Next cell' }).click();
    await expect.poll(async () => cells.getByRole('img', { name: /beside its cluster's mean$/ }).first().getAttribute('aria-label'), { timeout: 30_000 }).not.toBe(before);
    expect(session.consoleErrors).toEqual([]);
  }, 240_000);

  it('shows the assignment of new simulated cells: accuracy, confusion and the MDS they were shown', async (context) => {
    if (simulatedFailure) context.skip();
    const details = await openRun(assignRun);
    await details.getByRole('heading', { name: new RegExp(`Run ${assignRun}: mds-assign`) }).waitFor();
    const confusion = details.getByRole('table', { name: 'Assignment confusion' });
    await visibleOrExplain(confusion, details);
    expect(await details.locator('.result-line').first().textContent()).toMatch(new RegExp(`cells assigned to \\d+ clusters? of cluster run ${clusterRun}: accuracy \\d+ %`));
    await details.getByRole('region', { name: 'Most Discriminative Stimuli' }).waitFor();
    await noRawJson(details);
    await shoot('mds-assign.png', 1400);
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows the real retina: the model fit of the 49 parasol cells and their full-field MDS traces against ON/OFF', async (context) => {
    if (retinaFailure) context.skip();
    const fitDetails = await openRun(retinaFitRun);
    const scatter = fitDetails.getByRole('img', { name: /^Held-out correlation against the ceiling for \d+ neurons$/ });
    await visibleOrExplain(scatter, fitDetails);
    expect(await fitDetails.getByRole('table', { name: 'Held-out correlation per cell type' }).textContent()).toMatch(/OFF parasol.*ON parasol/i);
    const details = await openRun(retinaClusterRun);
    await details.getByRole('heading', { name: new RegExp(`Run ${retinaClusterRun}: mds-cluster`) }).waitFor();
    const gallery = details.getByRole('region', { name: 'Most Discriminative Stimuli' });
    await visibleOrExplain(gallery, details);
    // One contrast value per frame: traces over time, no images and no movie controls.
    expect(await gallery.getByRole('img', { name: /MDS over time$/ }).count()).toBe(await gallery.locator('.mds-tile').count());
    expect(await gallery.getByRole('button', { name: 'Play' }).count()).toBe(0);
    expect(await details.getByRole('table', { name: 'Clusters by known type' }).textContent()).toMatch(/OFF parasol.*ON parasol/i);
    const cells = details.getByRole('region', { name: 'Cell responses' });
    await visibleOrExplain(cells.getByRole('img', { name: /beside its cluster's mean$/ }).first(), details);
    await noRawJson(details);
    await shoot('mds-retina.png', 2600);
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);
});
