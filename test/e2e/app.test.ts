/**
 * End to end, as a user: `cajal serve` on a fresh project, the UI in Debian's Chromium, a real EDF
 * imported by path, the RMS job run to 100 %, and the run still there after a reload.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import type { Served } from '../helpers/serve.js';

const EDF = dataFile('eeg', 'sleep_edf_SC4001E0_first5min_short_psg.edf');
const SWC = dataFile('morphology', 'guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc');
const CALCIUM = dataFile('calcium', 'zebrafish_tectum_triplett2018', 'zf_20170215-f3_activity_matrix.csv');
const RESULTS = join(REPO_ROOT, 'test-results');
const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Cajal in Chromium through the loopback bridge', () => {
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    session = await openAppSession();
    ({ served, page, consoleErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
  });

  it('opens with the token, drops it from the address bar and shows the compute backend', async () => {
    await page.goto(served.url);
    expect(page.url()).toBe(`${served.origin}/`);
    await expect.poll(() => page.locator('.status-bar').textContent(), { timeout: 30_000 }).toMatch(/Compute: (wasm|cpu|webgpu|tensorflow)/);
    await expect.poll(() => page.locator('.status-bar').textContent()).toContain('connected');
  });

  it('rejects a bad path with a one-line error naming the file, and imports nothing', async () => {
    await page.getByLabel('Path to a file on this machine').fill('/no/such/recording.edf');
    await page.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('cannot read /no/such/recording.edf');
    expect(await page.locator('table.library-table').count()).toBe(0);
  });

  it('imports a real EDF and shows its header metadata', async () => {
    await page.getByLabel('Path to a file on this machine').fill(EDF);
    await page.getByRole('button', { name: 'Import' }).click();
    const row = page.locator('tr', { hasText: 'sleep_edf_SC4001E0_first5min_short_psg.edf' });
    await row.waitFor();
    // 7 signals, 100 Hz EEG, 10 records of 30 s.
    expect(await row.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['EDF', '7', '100 Hz', '0:05:00']),
    );
  });

  it('runs RMS with live progress to 100 % and shows the result', async () => {
    await page.getByRole('button', { name: 'Compute RMS on sleep_edf_SC4001E0_first5min_short_psg.edf' }).click();
    const progress = page.getByRole('progressbar', { name: 'Progress of run 1' });
    await expect.poll(() => progress.getAttribute('aria-valuenow'), { timeout: 30_000 }).toBe('100');
    await expect.poll(() => page.locator('td.status-succeeded').count()).toBe(1);
    const fpz = page.locator('tr', { hasText: 'EEG Fpz-Cz' });
    await fpz.waitFor();
    // numpy on the raw bytes gives 28.27235599 (see test/integration/rms-real.test.ts).
    expect(await fpz.locator('td').nth(1).textContent()).toBe('28.2724');
    expect(await page.getByRole('list', { name: 'Log of run 1' }).textContent()).toContain('7 channels, 10 records of 30 s');
  });

  it('still shows the run after a reload (it lives in the project file), in the view the user was in', async () => {
    // The view and the selected run are in the address, so the reload comes back to them.
    expect(page.url()).toBe(`${served.origin}/#runs?run=1`);
    await page.reload();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.keyboard.press('Alt+1');
    await page.locator('tr', { hasText: 'sleep_edf_SC4001E0_first5min_short_psg.edf' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const progress = page.getByRole('progressbar', { name: 'Progress of run 1' });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    expect(await page.locator('td.status-succeeded').count()).toBe(1);
  });

  it('keeps the name that signs annotations in Settings, for this machine', async () => {
    await page.keyboard.press('Alt+3');
    const name = page.getByLabel('Your name');
    await name.fill('Dr. E2E Reviewer');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.reviewer-name').textContent()).toContain('(now “Dr. E2E Reviewer”)');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'settings-reviewer.png') });
    await page.reload();
    await expect.poll(() => page.getByLabel('Your name').inputValue()).toBe('Dr. E2E Reviewer');
    await page.getByRole('button', { name: 'Use the system account' }).click();
    await expect.poll(() => page.locator('.reviewer-name').textContent()).toContain('now the system account');
  });

  it('lets the user force a backend in settings', async () => {
    await page.keyboard.press('Alt+3');
    await page.getByLabel('Backend for this project').selectOption('cpu');
    await expect.poll(() => page.locator('.status-bar').textContent()).toContain('Compute: cpu');
    await page.getByLabel('Backend for this project').selectOption('automatic');
    await expect.poll(() => page.locator('.status-bar').textContent()).not.toContain('Compute: cpu');
  });

  it('offers on each row only what fits the recording, its view first', async () => {
    await page.keyboard.press('Alt+1');
    await page.getByLabel('Path to a file on this machine').fill(`${SWC}\n${CALCIUM}`);
    await page.getByRole('button', { name: 'Import' }).click();
    const actions = async (file: string) => {
      const row = page.locator('tr', { hasText: file });
      await row.waitFor();
      return row.locator('td.row-actions button').allTextContents();
    };
    expect(await actions('sleep_edf_SC4001E0_first5min_short_psg.edf')).toEqual(['Review', 'Compute RMS', 'Detect seizures (classical)', 'Detect seizures (neural)']);
    expect(await actions('purk2.CNG.swc')).toEqual(['View in 3D', 'Morphometrics (NeuroM definitions)']);
    expect(await actions('activity_matrix.csv')).toEqual(['Traces', 'Connectome']);
    const primary = page.locator('tr', { hasText: 'purk2.CNG.swc' }).locator('button.primary');
    expect(await primary.textContent()).toBe('View in 3D');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'library-actions.png'), fullPage: true });
    // The primary action opens the neuron in its view; Review lists EEG recordings only.
    await primary.click();
    await page.getByRole('heading', { name: 'Morphology' }).waitFor();
    await page.keyboard.press('Alt+4');
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    const options = await page.locator('#eeg-recording option').allTextContents();
    expect(options).toEqual(['1: sleep_edf_SC4001E0_first5min_short_psg.edf']);
  });

  it("opens Help with ? : every view's keys, the manual from the README, and About with versions and licences", async () => {
    await page.keyboard.press('Alt+1');
    await page.locator('body').press('?');
    const dialog = page.getByRole('dialog', { name: 'Help' });
    await dialog.waitFor();
    await expect.poll(() => dialog.locator('caption').allTextContents()).toEqual(['Anywhere', 'Review', 'Segmentation', 'Connectome', 'Morphology', 'Spikes']);
    expect(await dialog.locator('tr', { hasText: 'Alt+4' }).textContent()).toContain('show Review');
    expect(await dialog.locator('tr', { hasText: 'PageDown/PageUp' }).textContent()).toContain('next/previous page');
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'help-keys.png') });

    await dialog.getByRole('tab', { name: 'Manual' }).click();
    await dialog.getByRole('button', { name: 'Reviewing EEG' }).click();
    await dialog.getByRole('heading', { name: 'Reviewing EEG', level: 2 }).waitFor();
    // A link to another section opens it.
    await dialog.getByRole('button', { name: 'Command line' }).click();
    const link = dialog.locator('.help-manual-body a[href="#segmentation-metrics-fisbe"]').first();
    await link.click();
    await dialog.getByRole('heading', { name: 'Segmentation metrics (FISBe)', level: 2 }).waitFor();
    await page.screenshot({ path: join(RESULTS, 'help-manual.png') });

    await dialog.getByRole('tab', { name: 'About' }).click();
    const three = dialog.locator('tr', { hasText: /^three/ });
    expect(await three.locator('td').allTextContents()).toEqual(['three', expect.stringMatching(/^0\.\d+\.\d+$/), 'MIT', 'interface']);
    expect(await dialog.locator('.help-versions').textContent()).toMatch(/Cajal.*API2/s);
    await page.screenshot({ path: join(RESULTS, 'help-about.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
