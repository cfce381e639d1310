/**
 * End to end, the Runs view as a user reads it (issue 17, points 5 and 6): real pipelines on real
 * files — RMS on the Sleep-EDF PSG, classical seizure detection on the Ombao seizure EDF, a FISBe
 * evaluation, an NTF run on a C. elegans recording — each run's result as tables (never JSON text),
 * recording names, parameters as a table, "Open in …" to the result's view, delete after
 * confirming, and Cancel where a run was started (the Segmentation and Connectome forms).
 * Screenshots: test-results/runs-seizure.png, runs-fisbe.png, runs-ntf.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

const SLEEP = 'sleep_edf_SC4001E0_first5min_short_psg.edf';
const SEIZURE = 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf';
const ANIMAL = '2022-07-26-31-data.h5';
const GT = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.zarr');
const PRED = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.hdf');
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Runs view in Chromium', () => {
  let session: AppSession;
  let page: Page;

  const details = () => page.locator('.run-details');
  const runRow = (id: number) => page.locator('.runs-table tbody tr').filter({ has: page.getByRole('button', { name: `Show run ${id}`, exact: true }) });
  const status = (id: number) => runRow(id).locator('td.status').textContent();
  const showRuns = async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Runs', exact: true }).waitFor();
  };
  const showRun = async (id: number) => {
    await showRuns();
    await page.getByRole('button', { name: `Show run ${id}`, exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(`^Run ${id}: `) }).waitFor();
  };
  /** What a user reads in the details holds no JSON (no object printed as text). */
  const expectNoJson = async () => expect(await details().innerText()).not.toMatch(/\{\s*"|":\s*[[{"\d]/);

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    page = session.page;
    mkdirSync(RESULTS, { recursive: true });
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    for (const path of [dataFile('eeg', SLEEP), dataFile('eeg', 'derived', SEIZURE), dataFile('calcium', 'celegans_flavell_dag2023', ANIMAL)]) {
      await importByPath(page, path);
    }
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows an RMS run with its recording by name, its parameters as a table and a channel table', async () => {
    await page.getByRole('button', { name: `Compute RMS on ${SLEEP}`, exact: true }).click();
    await showRuns();
    await expect.poll(() => status(1), { timeout: 60_000 }).toBe('succeeded');
    expect(await runRow(1).locator('td').nth(2).textContent()).toBe(SLEEP);
    // A finished run reads "done", not the pipeline's last stage.
    expect(await runRow(1).locator('.progress-message').textContent()).toBe('done');
    await page.getByRole('heading', { name: `Run 1: rms on ${SLEEP}` }).waitFor();
    await page.getByRole('table', { name: 'Parameters of run 1' }).waitFor();
    expect(await details().getByRole('row', { name: /EEG Fpz-Cz/ }).locator('td').nth(1).textContent()).toBe('28.2724');
    await expectNoJson();
  });

  it('shows a seizure detection as an events table and opens it in Review', async () => {
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: `Detect seizures (classical) on ${SEIZURE}`, exact: true }).click();
    await showRuns();
    await expect.poll(() => status(2), { timeout: 120_000, interval: 500 }).toBe('succeeded');
    await showRun(2);
    const events = details().getByRole('table', { name: 'Detected seizure events' });
    await events.waitFor({ timeout: 30_000 });
    const cells = await events.locator('tbody tr').first().locator('td').allTextContents();
    // #, onset h:mm:ss, duration, confidence, channels.
    expect(cells.slice(0, 4)).toEqual(['1', expect.stringMatching(/^\d:\d\d:\d\d$/), expect.stringMatching(/^\d+ s$/), expect.stringMatching(/^\d+ %$/)]);
    // Which input the detector read, and why (auto: the Ombao recording's 8 referential channels).
    expect(await details().textContent()).toMatch(/standard input \(10-20 electrodes, average reference\) on 8 channels — the SzCORE standard input can be built/);
    const params = page.getByRole('table', { name: 'Parameters of run 2' });
    expect(await params.locator('th').allTextContents()).toContain('onThreshold');
    await expectNoJson();
    await page.locator('main, body').first().evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS, 'runs-seizure.png'), fullPage: true });
    await details().getByRole('button', { name: 'Open in Review', exact: true }).click();
    await page.getByRole('heading', { name: 'Review', exact: true }).waitFor({ timeout: 30_000 });

    // "Review at …" on an event opens Review on the page holding its onset.
    await showRuns();
    await showRun(2);
    const onset = cells[1]!;
    await details().getByRole('button', { name: `Review at ${onset}` }).first().click();
    await page.getByRole('heading', { name: 'Review', exact: true }).waitFor({ timeout: 30_000 });
    const seconds = (clock: string) => clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
    const traces = page.getByRole('img', { name: /^EEG traces/ });
    await expect
      .poll(async () => {
        const range = /(\d+:\d\d:\d\d(?:\.\d)?)–(\d+:\d\d:\d\d(?:\.\d)?)/.exec((await traces.getAttribute('aria-label')) ?? '');
        return range !== null && seconds(range[1]!) <= seconds(onset) && seconds(onset) < seconds(range[2]!);
      }, { timeout: 30_000 })
      .toBe(true);
  }, 180_000);

  it('deletes a run after confirming, and keeps its recording', async () => {
    await showRun(1);
    await details().getByRole('button', { name: 'Delete run', exact: true }).click();
    const confirm = page.getByRole('alertdialog');
    expect(await confirm.textContent()).toContain('The recording and its file stay');
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    expect(await runRow(1).count()).toBe(1);
    await details().getByRole('button', { name: 'Delete run', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete run 1', exact: true }).click();
    await expect.poll(() => runRow(1).count()).toBe(0);
    await page.keyboard.press('Alt+1');
    await page.locator('tr', { hasText: SLEEP }).waitFor();
  });

  it('cancels a FISBe evaluation from the Segmentation form, then shows a finished one in Runs', async () => {
    await page.keyboard.press('Alt+5');
    await page.getByRole('heading', { name: 'Segmentation', exact: true }).waitFor();
    await page.getByLabel('Ground-truth path (zarr, HDF5)').fill(GT);
    await page.getByLabel('Prediction path').fill(PRED);
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await page.getByRole('button', { name: /^Cancel run \d+$/ }).click();
    await expect.poll(() => page.locator('.fisbe-evaluate .error').textContent(), { timeout: 30_000 }).toBe('Evaluation cancelled');
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect.poll(() => page.getByLabel('FISBe run').locator('option').count(), { timeout: 180_000, interval: 1000 }).toBe(1);
    const fisbeRun = Number((await page.getByLabel('FISBe run').inputValue()) || 0);
    await showRun(fisbeRun);
    const metrics = details().getByRole('table', { name: 'FISBe metrics' });
    await metrics.waitFor({ timeout: 30_000 });
    expect(await metrics.getByRole('row', { name: /^S / }).locator('td').first().textContent()).toBe('0.3657');
    expect(await status(fisbeRun - 1)).toBe('cancelled');
    await expectNoJson();
    await page.screenshot({ path: join(RESULTS, 'runs-fisbe.png'), fullPage: true });
    await details().getByRole('button', { name: 'Open in Segmentation', exact: true }).click();
    await page.getByRole('heading', { name: 'Segmentation', exact: true }).waitFor();
    expect(await page.getByLabel('FISBe run').inputValue()).toBe(String(fisbeRun));
  }, 240_000);

  it('cancels an NTF run from the Connectome form, then shows a finished one in Runs', async () => {
    await page.keyboard.press('Alt+6');
    await page.getByRole('heading', { name: 'Connectome', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'New NTF run' });
    await form.getByLabel('Smallest rank').fill('2');
    await form.getByLabel('Largest rank').fill('12');
    await form.getByLabel('Restarts per rank').fill('8');
    await form.getByRole('button', { name: 'Start NTF run' }).click();
    // The progress line says where in the whole job the run is, then Cancel stops it.
    await expect.poll(() => form.locator('.progress-message').textContent(), { timeout: 60_000, interval: 200 }).toMatch(/^step [1-4]\/4/);
    await form.getByRole('button', { name: /^Cancel run \d+$/ }).click();
    await expect.poll(() => form.locator('.error').textContent(), { timeout: 30_000 }).toMatch(/^NTF run \d+ cancelled/);

    await form.getByLabel('Largest rank').fill('3');
    await form.getByLabel('Restarts per rank').fill('2');
    await form.getByRole('button', { name: 'Start NTF run' }).click();
    await expect.poll(() => page.locator('#ntf-run').locator('option').count(), { timeout: 540_000, interval: 2000 }).toBe(1);
    const ntfRun = Number(await page.locator('#ntf-run').inputValue());
    await showRun(ntfRun);
    expect(await runRow(ntfRun).locator('td').nth(2).textContent()).toBe(ANIMAL);
    expect(await runRow(ntfRun).locator('.progress-message').textContent()).toBe('done');
    await details().getByRole('img', { name: /^Rank sweep, ranks 2 to 3/ }).waitFor({ timeout: 30_000 });
    expect(await details().getByRole('table', { name: 'Components and their communities' }).locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('table', { name: `Parameters of run ${ntfRun}` }).textContent()).toContain(ANIMAL);
    await expectNoJson();
    await page.screenshot({ path: join(RESULTS, 'runs-ntf.png'), fullPage: true });
    await details().getByRole('button', { name: 'Open in Connectome', exact: true }).click();
    await page.getByRole('heading', { name: 'Connectome', exact: true }).waitFor();
    expect(await page.locator('#ntf-run').inputValue()).toBe(String(ntfRun));
    expect(session.consoleErrors).toEqual([]);
  }, 600_000);
});
