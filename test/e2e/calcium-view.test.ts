/**
 * End to end, as a lab scientist: `cajal serve` on a fresh project, the UI in Chromium, three
 * calcium recordings imported in the Library and each opened with its row's "Traces" button:
 *  - the zebrafish tectum CSV (Triplett et al. 2018): 75 cells with positions, no frame rate in the
 *    file; the rate is set to 4.8 Hz in the view and then used (seconds on the axis, Library rate);
 *  - a Suite2p plane folder (FISSA example): 23 ROIs, ΔF/F computed from F and Fneu, positions from
 *    stat.npy, a click on a trace selects the cell;
 *  - a Flavell-lab HDF5 file (Dag et al. 2023): 146 neurons named by NeuroPAL, ΔF/F from F/F20, the
 *    behaviour traces (velocity, head angle, reversals) under the traces.
 * Screenshots: test-results/calcium-zebrafish.png, calcium-suite2p.png, calcium-flavell.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import type { Served } from '../helpers/serve.js';

const ZEBRAFISH = dataFile('calcium', 'zebrafish_tectum_triplett2018', 'zf_20170215-f3_activity_matrix.csv');
const SUITE2P = dataFile('calcium', 'suite2p_fissa_example', 'plane0');
const FLAVELL = dataFile('calcium', 'celegans_flavell_dag2023', '2022-07-26-31-data.h5');
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Calcium Traces view in Chromium', () => {
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const note = () => page.getByTestId('calcium-note');
  /** The cell names of the lanes on screen (the canvas draws them; a hidden list names them). */
  const laneNames = () => page.locator('.calcium-traces li').allTextContents();
  /** Opens the recording whose row holds `text` with its "Traces" button and waits for its overview. */
  async function openTraces(text: string, cells: number): Promise<void> {
    await page.keyboard.press('Alt+1');
    const row = page.locator('tr', { hasText: text });
    await row.waitFor();
    expect((await row.locator('td.row-actions button').allTextContents())[0]).toBe('Traces');
    await row.getByRole('button', { name: 'Traces' }).click();
    await page.getByRole('heading', { name: 'Traces', exact: true }).waitFor();
    await expect.poll(() => note().textContent(), { timeout: 60_000 }).toContain(`${cells} cells ×`);
    await expect.poll(async () => (await laneNames()).length, { timeout: 30_000 }).toBeGreaterThan(3);
    await expect.poll(() => page.locator('.calcium-traces').getAttribute('data-complete'), { timeout: 30_000 }).toBe('true');
  }
  /** Waits until every lane on screen is drawn from a page of the window shown, then takes the screenshot. */
  async function screenshot(name: string): Promise<void> {
    await expect.poll(() => page.locator('.calcium-traces').getAttribute('data-complete'), { timeout: 30_000 }).toBe('true');
    await page.screenshot({ path: join(RESULTS, name) });
  }
  /** The drawn canvas is not blank: its PNG is larger than an empty one. */
  async function drawn(selector: string): Promise<number> {
    return (await page.locator(selector).screenshot()).length;
  }

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    ({ served, page, consoleErrors } = session);
    mkdirSync(RESULTS, { recursive: true });
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    for (const path of [ZEBRAFISH, SUITE2P, FLAVELL]) await importByPath(page, path);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('zebrafish CSV: heat map, traces by activity, positions; the frame rate set in the view is used', async () => {
    await openTraces('activity_matrix.csv', 75);
    expect(await note().textContent()).toMatch(/as the file holds them.*frame rate unknown/);
    expect(await drawn('.calcium-heatmap')).toBeGreaterThan(20_000);
    expect(await drawn('.calcium-traces-canvas')).toBeGreaterThan(10_000);
    const map = page.locator('.calcium-roi-map');
    expect(await drawn('.calcium-roi-map')).toBeGreaterThan(3_000);
    expect(await page.locator('#calcium-rate-source').textContent()).toMatch(/states none/);

    const rate = page.getByLabel(/Frame rate/);
    await rate.fill('4.8');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await expect.poll(() => note().textContent()).toContain('at 4.8 Hz (19 min 39 s)');
    expect(await page.locator('#calcium-rate-source').textContent()).toMatch(/set by you/);
    // The window choices are now in seconds; show one minute.
    await page.getByLabel('Window').selectOption({ label: '60 s' });
    await page.getByRole('slider', { name: 'Start of the window' }).waitFor();
    // A click on the first lane (the most active cell) selects it: the ROI map rings it, its facts list its position.
    await page.locator('.calcium-traces').click({ position: { x: 600, y: 20 } });
    const first = (await laneNames())[0]!;
    await expect.poll(() => page.getByTestId('calcium-selected').textContent()).toContain(first);
    expect(await page.getByTestId('calcium-selected').textContent()).toMatch(/Positionx \d+, y \d+ px/);
    expect(await map.getAttribute('data-selected')).toBe(String(Number(first.replace('cell ', '')) - 1));
    await screenshot('calcium-zebrafish.png');

    // The Library shows the rate stored with the recording.
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.locator('tr', { hasText: 'activity_matrix.csv' }).textContent()).toMatch(/4\.8/);
  });

  it('Suite2p folder: ΔF/F from F − 0.7·Fneu, 23 ROIs at their stat positions, sorting by name, a trace selects its cell', async () => {
    await openTraces('plane0', 23);
    expect(await note().textContent()).toMatch(/ΔF\/F computed from raw fluorescence: F − 0\.7·Fneu/);
    expect(await note().textContent()).toMatch(/23 cells × 864 frames at/);
    expect(await drawn('.calcium-roi-map')).toBeGreaterThan(3_000);
    await page.getByLabel('Sort').selectOption('name');
    await expect.poll(async () => (await laneNames()).slice(0, 3)).toEqual(['cell 1', 'cell 2', 'cell 3']);
    // The second lane (cell 2) selected by a click on its trace.
    const traces = page.locator('.calcium-traces');
    await traces.click({ position: { x: 600, y: 40 + 20 } });
    await expect.poll(() => page.getByTestId('calcium-selected').textContent()).toContain('cell 2');
    expect(await page.getByTestId('calcium-selected').textContent()).toMatch(/Suite2p iscell/);
    await screenshot('calcium-suite2p.png');
    // The deconvolved activity beside F (spks.npy), shown as the file holds it.
    await page.getByLabel('Traces to show').selectOption('deconvolved');
    await expect.poll(() => note().textContent()).toMatch(/deconvolved activity from spks\.npy/);
    await page.getByLabel('Traces to show').selectOption('main');
    await expect.poll(() => note().textContent()).toMatch(/ΔF\/F computed/);
  });

  it('Flavell HDF5: NeuroPAL names, ΔF/F from F/F20, behaviour traces aligned under the traces', async () => {
    await openTraces('2022-07-26-31-data.h5', 146);
    expect(await note().textContent()).toMatch(/F\/F20 − 1/);
    const behaviour = page.locator('.calcium-behaviour');
    await expect.poll(() => behaviour.getAttribute('data-behaviour')).toMatch(/velocity/);
    // Velocity, head angle and reversals by default; the others of the file can be added.
    expect((await behaviour.getAttribute('data-behaviour'))!.split(',').sort()).toEqual(['head_angle', 'reversal_vec', 'velocity']);
    await page.getByRole('checkbox', { name: 'angular velocity' }).check();
    await expect.poll(() => behaviour.getAttribute('data-behaviour')).toMatch(/angular_velocity/);
    expect(await drawn('.calcium-behaviour')).toBeGreaterThan(10_000);
    await page.getByTestId('calcium-no-positions').waitFor();
    await page.getByLabel('Sort').selectOption('name');
    await expect.poll(async () => (await laneNames()).some((name) => /^A[DIV]/.test(name))).toBe(true);
    await page.getByLabel('Sort').selectOption('activity');
    await screenshot('calcium-flavell.png');
    expect(consoleErrors).toEqual([]);
  });
});
