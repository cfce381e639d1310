/**
 * A new user's first hour, end to end in Chromium on the real files (issue 17): start on an empty
 * project, import one recording of each kind, see only the actions that fit each, open each in its
 * view, run one pipeline per domain from where the app offers it, cancel one, read the results in
 * Runs and open a result's view from there.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

const EEG = 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf';
const SWC = 'guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc';
const CALCIUM = '2022-07-26-31-data.h5';
const GT = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.zarr');
const PRED = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.hdf');
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)("a new user's first hour", () => {
  let session: AppSession;
  let page: Page;

  const row = (file: string) => page.locator('tr', { hasText: file });
  const library = async () => {
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
  };
  const runStatus = (id: number) =>
    page.locator('.runs-table tbody tr').filter({ has: page.getByRole('button', { name: `Show run ${id}`, exact: true }) }).locator('td.status').textContent();
  const showRun = async (id: number) => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('button', { name: `Show run ${id}`, exact: true }).click();
    await page.getByRole('heading', { name: new RegExp(`^Run ${id}: `) }).waitFor();
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    page = session.page;
    mkdirSync(RESULTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('starts on an empty Library that says what it can import, and imports one file of each kind', async () => {
    await page.goto(session.served.url);
    await expect.poll(() => page.locator('.empty').first().textContent()).toMatch(/EEG.*calcium imaging.*SWC/);
    await importByPath(page, dataFile('eeg', 'derived', EEG));
    await importByPath(page, dataFile('morphology', SWC));
    await importByPath(page, dataFile('calcium', 'celegans_flavell_dag2023', CALCIUM));
  }, 120_000);

  it('offers on each row only what fits, its view first', async () => {
    const actions = (file: string) => row(file).locator('td.row-actions button').allTextContents();
    expect(await actions(EEG)).toEqual(['Review', 'Compute RMS', 'Detect seizures (classical)', 'Detect seizures (neural)']);
    expect(await actions(SWC)).toEqual(['View in 3D', 'Morphometrics (NeuroM definitions)']);
    expect(await actions(CALCIUM)).toEqual(['Traces', 'Connectome']);
    await page.screenshot({ path: join(RESULTS, 'first-hour-library.png') });
  });

  it('opens each recording in its view', async () => {
    await row(EEG).getByRole('button', { name: 'Review' }).click();
    await page.getByRole('img', { name: /^EEG traces, 8 channels/ }).waitFor({ timeout: 30_000 });
    await library();
    await row(SWC).getByRole('button', { name: 'View in 3D' }).click();
    await expect.poll(() => page.locator('.morphology-scene').getAttribute('data-ready'), { timeout: 120_000, interval: 250 }).toBe('true');
    await library();
    await row(CALCIUM).getByRole('button', { name: 'Traces' }).click();
    await expect.poll(() => page.locator('.calcium-traces').getAttribute('data-complete'), { timeout: 60_000 }).toBe('true');
  }, 240_000);

  it('runs a pipeline of each domain where it is offered, cancels one, and reads every result in Runs', async () => {
    // EEG and seizure detection, and morphometrics: from the Library's rows (runs 1–3); each start
    // shows the run in Runs.
    for (const action of [`Compute RMS on ${EEG}`, `Detect seizures (classical) on ${EEG}`, `Morphometrics (NeuroM definitions) on ${SWC}`]) {
      await library();
      await page.getByRole('button', { name: action, exact: true }).click();
      await page.getByRole('heading', { name: 'Runs', exact: true }).waitFor();
    }
    for (const id of [1, 2, 3]) await expect.poll(() => runStatus(id), { timeout: 120_000, interval: 500 }).toBe('succeeded');

    // NTF from the Connectome view: a long sweep cancelled there (run 4), then a short one (run 5).
    await page.keyboard.press('Alt+6');
    const form = page.getByRole('form', { name: 'New NTF run' });
    await form.getByLabel('Largest rank').fill('12');
    await form.getByLabel('Restarts per rank').fill('8');
    await form.getByRole('button', { name: 'Start NTF run' }).click();
    await expect.poll(() => form.locator('.progress-message').textContent(), { timeout: 60_000, interval: 200 }).toMatch(/^step [1-4]\/4/);
    await form.getByRole('button', { name: /^Cancel run \d+$/ }).click();
    await expect.poll(() => form.locator('.error').textContent(), { timeout: 30_000 }).toMatch(/^NTF run 4 cancelled/);
    await form.getByLabel('Largest rank').fill('3');
    await form.getByLabel('Restarts per rank').fill('2');
    await form.getByRole('button', { name: 'Start NTF run' }).click();
    await expect.poll(() => page.locator('#ntf-run').locator('option').count(), { timeout: 540_000, interval: 2000 }).toBe(1);

    // FISBe from the Segmentation view (run 6).
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Ground-truth path (zarr, HDF5)').fill(GT);
    await page.getByLabel('Prediction path').fill(PRED);
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    await expect.poll(() => page.getByLabel('FISBe run').locator('option').count(), { timeout: 240_000, interval: 1000 }).toBe(1);
    // The view then reads the evaluation's instances and meshes them for 3D: a user looks at it
    // before moving on (and the engine answers other calls after that work).
    await expect.poll(() => page.locator('.fisbe-scene').getAttribute('data-ready'), { timeout: 180_000, interval: 1000 }).toBe('true');

    await page.keyboard.press('Alt+2');
    expect(await runStatus(4)).toBe('cancelled');
    const details = page.locator('.run-details');
    const summaries: [number, string | RegExp][] = [
      [1, /^RMS per channel \(8 channels\)/],
      [2, 'Detected seizure events'],
      [3, 'Morphometrics per neurite type'],
      [5, 'Components and their communities'],
      [6, 'FISBe metrics'],
    ];
    for (const [id, table] of summaries) {
      await showRun(id);
      await details.getByRole('table', { name: table }).waitFor({ timeout: 30_000 });
      // Tables, never an object printed as JSON text.
      expect(await details.innerText()).not.toMatch(/\{\s*"|":\s*[[{"\d]/);
    }
    await page.screenshot({ path: join(RESULTS, 'first-hour-runs.png'), fullPage: true });
  }, 900_000);

  it("opens a result's view from Runs", async () => {
    await showRun(3);
    await page.locator('.run-details').getByRole('button', { name: 'Open in Morphology', exact: true }).click();
    await page.getByRole('heading', { name: 'Morphology', exact: true }).waitFor();
    await showRun(5);
    await page.locator('.run-details').getByRole('button', { name: 'Open in Connectome', exact: true }).click();
    await page.getByRole('heading', { name: 'Connectome', exact: true }).waitFor();
    expect(await page.locator('#ntf-run').inputValue()).toBe('5');
    expect(session.consoleErrors).toEqual([]);
  }, 120_000);
});
