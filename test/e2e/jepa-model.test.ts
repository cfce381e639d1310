/**
 * End to end, as a scientist reading what a Brain-JEPA model learned (#19 "Brain map of the model"):
 * a fresh project with the ABIDE cohort (100 subjects, AAL 116), aal.nii.gz with its labels and the
 * MNI template imported, and a `tiny` model pretrained for 2 epochs through the CLI before serving
 * (`cajal jepa pretrain <project> 1 --config tiny --epochs 2`). Then the Brain view's Cohort panel:
 * its Model section picks the model, paints gradient 1 and the embedding norm on the atlas (NiiVue
 * over the template, colour bar captioned) and draws the subjects' principal plane coloured by
 * diagnosis and by site. Screenshots: test-results/jepa-model-gradient.png, jepa-model-norm.png, jepa-model-residual.png, jepa-model-scatter.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { existsSync } from 'node:fs';

const RESULTS = join(REPO_ROOT, 'test-results');
const COHORT = dataFile('fmri', 'abide_aal116_100subj');
const ATLAS = dataFile('fmri', 'atlas', 'aal.nii.gz');
const TEMPLATE = dataFile('fmri', 'template', 'mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz');

const skipReason = !hasChromium()
  ? SKIP_NO_CHROMIUM
  : !hasSharedData()
    ? SKIP_NO_DATA
    : !existsSync(COHORT) || !existsSync(ATLAS)
      ? `the ABIDE cohort (${COHORT}) or the AAL atlas (${ATLAS}) is missing from ../shared/data`
      : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Brain-JEPA model maps in the Cohort panel, in Chromium', () => {
  let session: AppSession;
  let page: Page;
  const view = () => page.locator('.fmri-view');
  const section = () => view().getByRole('region', { name: 'Brain-JEPA model' });
  const niivue = () => section().locator('.fmri-niivue');
  const ready = (locator: Locator, timeout = 120_000) => expect.poll(() => locator.getAttribute('data-ready'), { timeout, interval: 250 }).toBe('true');

  beforeAll(async () => {
    session = await openAppSession({
      viewport: { width: 1440, height: 1000 },
      prepare: (project) => {
        const cli = (...args: string[]) => execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), ...args], { stdio: 'ignore' });
        // The cohort first: it is recording 1, the id the pretraining is given.
        cli('import', project, COHORT);
        cli('import', project, ATLAS);
        if (existsSync(TEMPLATE)) cli('import', project, TEMPLATE);
        cli('jepa', 'pretrain', project, '1', '--config', 'tiny', '--epochs', '2', '--backend', 'wasm');
      },
    });
    page = session.page;
    mkdirSync(RESULTS, { recursive: true });
  }, 420_000);

  afterAll(async () => {
    await session?.close();
  });

  it('opens the cohort and offers its pretrained model', async () => {
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.getByRole('button', { name: 'Cohort abide_aal116_100subj', exact: true }).click();
    await view().waitFor();
    await section().waitFor({ timeout: 60_000 });
    const picker = section().getByLabel('Model', { exact: true });
    await expect.poll(() => picker.locator('option').allTextContents(), { timeout: 30_000 }).toEqual(['Model #1: tiny, 2 epochs, run 1']);
  }, 90_000);

  it('paints brain gradient 1 on the AAL atlas with a captioned colour bar', async () => {
    // The maps read every subject's centre crop through the model (about 20 s on wasm here).
    await section().getByRole('region', { name: 'Model map on the atlas' }).waitFor({ timeout: 180_000 });
    expect(await section().getByLabel('Map', { exact: true }).inputValue()).toBe('gradient-1');
    await ready(niivue());
    expect(await niivue().getAttribute('data-layers')).toMatch(/\|roi:\d+:116:/);
    expect(await section().locator('[aria-label="ROI map: brain gradient 1 (diffusion map, a.u.)"]').count()).toBe(1);
    expect(await section().locator('h4').first().textContent()).toMatch(/^Gradient 1 on aal\.nii\.gz100 subjects, centre crop of \d+ frames/);
    await section().evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(RESULTS, 'jepa-model-gradient.png') });
  }, 240_000);

  it('switches the map to the embedding norm and to the attention received', async () => {
    const before = await niivue().getAttribute('data-layers');
    await section().getByLabel('Map', { exact: true }).selectOption('embedding-norm');
    // After 2 epochs the final LN is near identity: every output token's norm is ≈ √64, so the map
    // is drawn as the difference from its mean (a colour bar of "8 8 8 8" would say nothing).
    await expect.poll(() => section().locator('[aria-label^="ROI map: embedding norm (mean ‖token‖₂)"]').getAttribute('aria-label')).toMatch(/^ROI map: embedding norm \(mean ‖token‖₂\)(: difference from the mean 8(\.\d+)?, × 10⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?$/);
    await expect.poll(() => niivue().getAttribute('data-layers'), { timeout: 60_000 }).not.toBe(before);
    await ready(niivue());
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(RESULTS, 'jepa-model-norm.png') });
    await section().getByLabel('Map', { exact: true }).selectOption('residual-norm');
    await expect.poll(() => section().locator('[aria-label="ROI map: token norm before the final LayerNorm"]').count()).toBe(1);
    await ready(niivue());
    await page.screenshot({ path: join(RESULTS, 'jepa-model-residual.png') });
    await ready(niivue());
    await section().getByLabel('Map', { exact: true }).selectOption('attention');
    // Near 1/116 everywhere after 2 epochs: drawn as the difference from the mean, as the norm.
    await expect.poll(() => section().locator('[aria-label^="ROI map: attention received (share, last block)"]').count()).toBe(1);
    await ready(niivue());
  }, 120_000);

  it('draws every subject on the principal plane, coloured by diagnosis and by site', async () => {
    const scatter = section().getByRole('img', { name: /^Subjects on the first two principal components, coloured by diagnosis$/ });
    expect(await scatter.getAttribute('data-points')).toBe('100');
    const key = section().locator('.jepa-model-scatter .fmri-score-key');
    expect(await key.textContent()).toMatch(/ASD \(58\).*control \(42\)/);
    expect(await section().locator('.jepa-embedding-controls').textContent()).toMatch(/model #1 “Brain-JEPA” \(tiny, 2 epochs\)/);
    expect(await section().locator('.jepa-embedding svg text').first().textContent()).toMatch(/^PC 1 \(\d+\.\d % of variance\)$/);
    await section().getByLabel('Colour subjects by').selectOption('site');
    await section().getByRole('img', { name: /coloured by site$/ }).waitFor();
    // The cohort's three sites, one swatch each (sorted by name), with their subject counts.
    await expect.poll(() => key.textContent()).toMatch(/^\s*OHSU \(10\)\s*OLIN \(34\)\s*PITT \(56\)$/);
    await section().getByLabel('Colour subjects by').selectOption('diagnosis');
    await section().getByLabel('Map', { exact: true }).selectOption('gradient-1');
    await ready(niivue());
    await section().locator('.jepa-model-scatter').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(RESULTS, 'jepa-model-scatter.png') });
  }, 120_000);

  it('raised no console errors or CSP violations', () => {
    expect(session.consoleErrors).toEqual([]);
  });
});
