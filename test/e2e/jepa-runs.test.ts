/**
 * Brain-JEPA runs as a user meets them in Runs, on the real ABIDE cohort: `cajal jepa pretrain`
 * (tiny, 2 epochs on the 100 subjects) shows its loss, feature-rank and schedule curves; `cajal jepa
 * probe` (tiny, 1 epoch per fold, 2 folds, diagnosis, Pearson baseline: small so the test stays
 * minutes long) shows the evaluation table with pretrained, random-init and baseline rows and the
 * verdict in words, the per-fold checks, and which ROIs the probes lean on (bars, and the map on the
 * AAL atlas imported beside the cohort). Screenshots: test-results/jepa-training.png,
 * test-results/jepa-probe.png, test-results/jepa-probe-importance.png.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT } from '../helpers/data.js';

const RESULTS = join(REPO_ROOT, 'test-results');
const COHORT = 'fmri/abide_aal116_100subj';
const ATLAS = 'fmri/atlas/aal.nii.gz';
const TEMPLATE = 'fmri/template/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz';
const ready = hasChromium() && hasSharedData();
if (!hasChromium()) console.warn(`jepa-runs e2e: ${SKIP_NO_CHROMIUM}`);
if (!hasSharedData()) console.warn('jepa-runs e2e: skipped (no ../shared/data with the ABIDE cohort)');

describe.skipIf(!ready)('Brain-JEPA runs in the Runs view', () => {
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await openAppSession({
      viewport: { width: 1400, height: 1000 },
      prepare: (project) => {
        const cli = (...args: string[]) => execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), ...args], { stdio: 'ignore' });
        // The cohort first: it is recording 1, the id the runs are given; the atlas for the importance map.
        cli('import', project, dataFile(COHORT));
        if (existsSync(dataFile(ATLAS))) cli('import', project, dataFile(ATLAS));
        if (existsSync(dataFile(TEMPLATE))) cli('import', project, dataFile(TEMPLATE));
        cli('jepa', 'pretrain', project, '1', '--config', 'tiny', '--epochs', '2', '--batch-size', '16', '--backend', 'wasm', '--name', 'e2e');
        cli('jepa', 'probe', project, '1', '--config', 'tiny', '--epochs', '1', '--folds', '2', '--targets', 'diagnosis', '--baseline', 'pearson', '--backend', 'wasm');
      },
    });
    page = session.page;
  }, 1_200_000);

  afterAll(async () => {
    await session?.close();
  });

  async function openRun(id: number): Promise<ReturnType<Page['getByRole']>> {
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByRole('button', { name: `Show run ${id}` }).click();
    return page.getByRole('region', { name: `Run ${id} details` });
  }

  /**
   * Waits for a part of the run details, longer than Playwright's default: on a loaded CI machine the
   * details read a run's curves through the bridge while other e2e files train. A timeout says what
   * the details showed instead (an error, "Reading the training curves…", "no epochs recorded").
   */
  async function visibleOrExplain(part: ReturnType<Page['getByRole']>, details: ReturnType<Page['getByRole']>): Promise<void> {
    try {
      await part.waitFor({ timeout: 90_000 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nThe run details showed instead: ${(await details.textContent())?.slice(0, 2000)}`);
    }
  }

  it('shows a pretraining run with its loss, rank and schedule curves', async () => {
    const details = await openRun(1);
    await details.getByRole('heading', { name: /Run 1: jepa-pretrain/ }).waitFor();
    const loss = details.getByRole('img', { name: /^Loss per epoch .*over 2 epochs$/ });
    await visibleOrExplain(loss, details);
    expect(await loss.locator('path').count()).toBeGreaterThanOrEqual(1);
    await details.getByRole('img', { name: /^Feature rank/ }).waitFor();
    await details.getByRole('img', { name: /^Learning rate .*optimizer steps$/ }).waitFor();
    await details.getByRole('img', { name: /^EMA momentum/ }).waitFor();
    expect(await details.textContent()).not.toMatch(/"trainLoss"|\{"/);
    await page.screenshot({ path: join(RESULTS, 'jepa-training.png'), fullPage: true });
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it('shows a probe run as tables: pretrained, random-init and the baseline on the same folds, with the verdict', async () => {
    const details = await openRun(2);
    await details.getByRole('heading', { name: /Run 2: jepa-probe/ }).waitFor();
    const table = details.getByRole('region', { name: 'Evaluation: diagnosis' });
    await visibleOrExplain(table, details);
    for (const method of ['pretrained/linear-probe', 'pretrained/logistic-regression', 'pretrained-context/logistic-regression', 'random-init/logistic-regression', 'connectivity/logistic-regression']) {
      expect(await table.locator(`tr[data-method="${method}"]`).count()).toBe(1);
    }
    expect(await table.textContent()).toMatch(/Best mean AUROC for diagnosis/);
    await details.getByRole('table', { name: 'Pretraining per fold' }).waitFor();
    expect(await details.textContent()).not.toMatch(/\{"/);
    await page.screenshot({ path: join(RESULTS, 'jepa-probe.png'), fullPage: true });
    expect(session.consoleErrors).toEqual([]);
  }, 180_000);

  it("shows which ROIs the probes lean on: bars of the strongest ROIs and the map on the AAL atlas", async () => {
    const details = await openRun(2);
    const importance = details.getByRole('region', { name: 'ROI importance of the probes' });
    await visibleOrExplain(importance, details);
    const bars = importance.getByRole('img', { name: /^ROI importance bars: the 15 strongest of 116 ROIs$/ });
    await bars.waitFor();
    expect(await bars.locator('g[data-roi]').count()).toBe(15);
    // Two folds: a dot per fold on every bar, and the folds' agreement in words.
    expect(await bars.locator('circle').count()).toBe(30);
    const note = importance.locator('.jepa-importance-note');
    expect(await note.textContent()).toMatch(/Pretrained \(target encoder\), linear probe, diagnosis: .* on 100 held-out subjects, × 116 \(1 = uniform\)\. The folds' maps agree r = -?\d\.\d\d\./);
    await importance.getByLabel('Probe', { exact: true }).selectOption('logistic-regression');
    expect(await note.textContent()).toMatch(/^Pretrained \(target encoder\), logistic regression, diagnosis/);
    if (!existsSync(dataFile(ATLAS))) {
      expect(await importance.textContent()).toMatch(/Import a label atlas with 116 regions/);
      return;
    }
    const niivue = importance.locator('.fmri-niivue');
    await expect.poll(() => niivue.getAttribute('data-ready'), { timeout: 120_000, interval: 250 }).toBe('true');
    expect(await niivue.getAttribute('data-layers')).toMatch(/\|roi:\d+:116:/);
    await importance.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(RESULTS, 'jepa-probe-importance.png') });
    expect(session.consoleErrors).toEqual([]);
  }, 240_000);
});
