/**
 * Neuroformer runs as a user meets them in Runs, on the real marmoset retina recording (49 ON/OFF
 * parasol cells, grating reversals) and on a small simulated network with known wiring. The CLI
 * makes the runs (tiny config, 2 epochs on at most 1024 training windows, 2 s of generation per
 * held-out span for at most 20 s of each held-out block, a few hundred windows for connectivity and evaluation: minutes, not hours); the
 * test opens each in Runs and checks what a reader sees: loss curves (total, train and held-out CE
 * per head), recorded and generated rasters side by side with the rate per cell type and the list
 * of generated spans, the attention matrix
 * grouped by cell type with its graph (and the ground truth beside it for the simulation, with the
 * attention-vs-CCG-vs-GLM table), and the evaluation tables with verdicts (compute_scores and the
 * corrected F1; the PSTH curves per unit), never raw JSON.
 * Screenshots: test-results/neuroformer-{training,generate,connectivity,evaluation,simulated}.png.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT } from '../helpers/data.js';

const RESULTS = join(REPO_ROOT, 'test-results');
const RETINA = 'spikes/marmoset_retina_parasol_reversing_gratings';
const ready = hasChromium() && hasSharedData();
if (!hasChromium()) console.warn(`neuroformer-runs e2e: ${SKIP_NO_CHROMIUM}`);
if (!hasSharedData()) console.warn('neuroformer-runs e2e: skipped (no ../shared/data with the retina recording)');

describe.skipIf(!ready)('Neuroformer runs in the Runs view', () => {
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await openAppSession({
      viewport: { width: 1400, height: 1000 },
      prepare: (project, dir) => {
        const cli = (...args: string[]) => execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), ...args], { stdio: 'ignore' });
        const small = ['--backend', 'wasm'];
        // Recording 1: the retina. Runs 1–4: train, generate, connectivity, evaluate.
        cli('import', project, dataFile(RETINA));
        cli('neuroformer', 'train', project, '1', '--config', 'tiny', '--epochs', '2', ...small, '--param', 'maxTrainWindows=1024', '--param', 'maxValidationWindows=128');
        cli('neuroformer', 'generate', project, '1', ...small, '--param', 'spanS=2', '--param', 'maxSecondsPerBlock=20');
        cli('neuroformer', 'connectivity', project, '1', ...small, '--param', 'maxWindows=300');
        cli('neuroformer', 'evaluate', project, '1', ...small, '--param', 'maxWindows=150', '--param', 'spanS=1', '--param', 'maxSecondsPerBlock=30');
        // Recording 2: a simulated network with known wiring. Runs 5–6: train, connectivity (with the CCG and GLM baselines).
        cli('neuroformer', 'simulate', project, join(dir, 'sim'), '--param', 'neurons=30', '--param', 'durationS=120', '--seed', '1');
        cli('neuroformer', 'train', project, '2', '--config', 'tiny', '--epochs', '1', ...small, '--param', 'maxTrainWindows=512', '--param', 'maxValidationWindows=64');
        cli('neuroformer', 'connectivity', project, '2', ...small, '--param', 'maxWindows=300');
      },
    });
    page = session.page;
  }, 1_800_000);

  afterAll(async () => {
    await session?.close();
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
  async function shoot(name: string): Promise<void> {
    await page.setViewportSize({ width: 1400, height: 2000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(RESULTS, name), fullPage: true });
    await page.setViewportSize({ width: 1400, height: 1000 });
  }

  async function noRawJson(details: Locator): Promise<void> {
    expect(await details.locator('.run-results').textContent()).not.toMatch(/\{"|"trainLoss"|"matrix"/);
  }

  it('shows a training run with its loss curves and the train and held-out cross-entropy per head', async () => {
    const details = await openRun(1);
    await details.getByRole('heading', { name: /Run 1: neuroformer-train/ }).waitFor();
    const loss = details.getByRole('img', { name: /^Loss per epoch .*over 2 epochs$/ });
    await visibleOrExplain(loss, details);
    expect(await loss.locator('path').count()).toBeGreaterThanOrEqual(2);
    // Per head (id, dt), on the training steps and on the held-out block.
    const heads = details.getByRole('img', { name: /^Cross-entropy per head, train and held-out/ });
    await heads.waitFor();
    expect(await heads.getAttribute('aria-label')).toMatch(/train ce id, held out ce id, train ce dt, held out ce dt/);
    await details.getByRole('img', { name: /^Held-out next-neuron F1/ }).waitFor();
    await noRawJson(details);
    await shoot('neuroformer-training.png');
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows generated spikes beside the recorded ones over the same window, with rates per cell type', async () => {
    const details = await openRun(2);
    await details.getByRole('heading', { name: /Run 2: neuroformer-generate/ }).waitFor();
    const rasters = details.getByRole('img', { name: /^Recorded and generated rasters of 49 units side by side/ });
    await visibleOrExplain(rasters, details);
    expect(Number(await rasters.getAttribute('data-recorded'))).toBeGreaterThan(0);
    expect(Number(await rasters.getAttribute('data-generated'))).toBeGreaterThan(0);
    await details.getByRole('img', { name: 'Rate per cell type over the window, recorded and generated' }).waitFor();
    expect(await details.textContent()).toMatch(/OFF parasol \(31\)/i);
    // Every generated span is listed; choosing one shows it.
    const spans = details.getByRole('region', { name: 'Generated spans' });
    await spans.waitFor();
    const buttons = spans.getByRole('button');
    expect(await buttons.count()).toBeGreaterThan(1);
    await buttons.nth(1).click();
    await expect.poll(async () => buttons.nth(1).getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');
    await noRawJson(details);
    await shoot('neuroformer-generate.png');
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows the attention matrix grouped by ON/OFF parasol, the mean attention between types and a graph', async () => {
    const details = await openRun(3);
    await details.getByRole('heading', { name: /Run 3: neuroformer-connectivity/ }).waitFor();
    const matrix = details.getByRole('img', { name: /^Attention \(rollout\): 49 × 49 units grouped by cell type \(OFF parasol 31, ON parasol 18\)/i });
    await visibleOrExplain(matrix, details);
    await details.getByRole('table', { name: 'Mean attention between cell types' }).waitFor();
    await details.locator('.nf-graph canvas').first().waitFor();
    await noRawJson(details);
    await shoot('neuroformer-connectivity.png');
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows the evaluation as tables with verdicts: model vs random init vs GLM, PSTH r vs the ceiling', async () => {
    const details = await openRun(4);
    await details.getByRole('heading', { name: /Run 4: neuroformer-evaluate/ }).waitFor();
    const prediction = details.getByRole('region', { name: 'Spike prediction' });
    await visibleOrExplain(prediction, details);
    for (const role of ['model', 'random-init', 'glm']) expect(await prediction.locator(`tr[data-method="${role}"]`).count()).toBeGreaterThanOrEqual(1);
    expect(await prediction.textContent()).toMatch(/Best spike-prediction F1 on the held-out blocks/);
    // compute_scores and the corrected (textbook) F1 side by side, one of each per method.
    expect(await prediction.locator('[data-score="corrected-f1"]').count()).toBe(3);
    expect(await prediction.textContent()).toMatch(/Corrected \(textbook ratios\)/);
    const psth = details.getByRole('region', { name: 'PSTH correlation' });
    if (await psth.count()) {
      expect(await psth.textContent()).toMatch(/reliability ceiling/);
      // The curves behind the r: the population mean and one panel per unit.
      const curves = details.getByRole('region', { name: 'PSTH curves, recorded and generated' });
      expect(await curves.getByRole('img').count()).toBe(50);
    }
    await noRawJson(details);
    await shoot('neuroformer-evaluation.png');
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows a simulated network’s attention beside its true wiring, scored against the CCG and GLM baselines', async () => {
    const details = await openRun(6);
    await details.getByRole('heading', { name: /Run 6: neuroformer-connectivity/ }).waitFor();
    const truth = details.getByRole('img', { name: /^Ground truth W\[post, pre\]/ });
    await visibleOrExplain(truth, details);
    await details.getByRole('img', { name: /^Attention \(rollout\): 30 × 30 units/ }).waitFor();
    const scores = details.getByRole('region', { name: 'Connectivity against the true wiring' });
    await scores.waitFor();
    for (const role of ['model', 'ccg', 'glm']) expect(await scores.locator(`tr[data-method="${role}"]`).count()).toBeGreaterThanOrEqual(1);
    expect(await scores.textContent()).toMatch(/Best connectivity AUROC against the true wiring/);
    await noRawJson(details);
    await shoot('neuroformer-simulated.png');
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);
});
