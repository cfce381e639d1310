/**
 * End to end, as an electrophysiologist: `cajal serve` on a fresh project, the UI in Chromium, two
 * spike recordings imported in the Library and each opened with its row's "Spikes" button:
 *  - the marmoset retina folder (49 parasol cells, OFF and ON, under reversing gratings): the raster
 *    of the whole 14 min as counts per column, sorted by cell type; the PSTH around the 1197
 *    stimulus changes (0.5 s before, 1 s after, 10 ms bins); the first unit's ISI and
 *    auto-correlogram; zoomed to 10 s each tick is a spike; a Shift+click on an ON cell gives the
 *    OFF × ON cross-correlogram;
 *  - the pynapple NWB units file (3 units, the "wake" epoch): three tall lanes, the epoch as its
 *    event set.
 * Screenshots: test-results/spikes-retina.png, spikes-retina-zoomed.png, spikes-retina-pair.png,
 * spikes-nwb.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';

const RETINA = dataFile('spikes', 'marmoset_retina_parasol_reversing_gratings');
const NWB = dataFile('spikes', 'pynapple_A8604-211122_units.nwb');
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('Spikes view in Chromium', () => {
  let session: AppSession;
  let page: Page;

  const note = () => page.getByTestId('spikes-note');
  const raster = () => page.locator('.spikes-raster-canvas');
  const unitRows = () => page.locator('[data-testid="spikes-units"] tbody tr');

  /** Opens the recording whose Library row holds `text` with its "Spikes" button; waits for its note. */
  async function openSpikes(text: string, units: number): Promise<void> {
    await page.keyboard.press('Alt+1');
    const row = page.locator('tr', { hasText: text });
    await row.waitFor();
    expect((await row.locator('td.row-actions button').allTextContents())[0]).toBe('Spikes');
    await row.getByRole('button', { name: 'Spikes' }).click();
    await page.getByRole('heading', { name: 'Spikes', exact: true }).waitFor();
    await expect.poll(() => note().textContent(), { timeout: 60_000 }).toContain(`${units} units`);
    await expect.poll(() => unitRows().count()).toBe(units);
  }

  /** Every panel drawn from the answer to what is asked now. */
  async function settled(withPsth = true): Promise<void> {
    await expect.poll(() => raster().getAttribute('data-complete'), { timeout: 60_000 }).toBe('true');
    if (withPsth) await expect.poll(() => page.getByTestId('spikes-psth-map').getAttribute('data-complete'), { timeout: 60_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('spikes-isi').getAttribute('data-complete'), { timeout: 60_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('spikes-acg').getAttribute('data-complete'), { timeout: 60_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('spikes-ccg').getAttribute('data-complete'), { timeout: 60_000 }).toBe('true');
  }

  /** A drawn canvas is not blank: its PNG is larger than an empty one. */
  const drawn = async (selector: string) => (await page.locator(selector).first().screenshot()).length;

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    page = session.page;
    mkdirSync(RESULTS, { recursive: true });
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    for (const path of [RETINA, NWB]) await importByPath(page, path);
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('retina folder: the whole recording as density sorted by cell type, the PSTH around the stimulus changes, ISI and auto-correlogram', async () => {
    await openSpikes('marmoset_retina_parasol_reversing_gratings', 49);
    expect(await note().textContent()).toMatch(/318,895 spikes/);
    expect(await note().textContent()).toMatch(/\(1197\)/);
    await settled();
    // Zoomed out over 14 minutes: counts per column, shaded per unit.
    expect(await raster().getAttribute('data-mode')).toBe('counts');
    expect(await page.getByTestId('spikes-raster-caption').textContent()).toMatch(/zoomed out: spikes per .* column, darker = more/);
    // Sorted by cell type: the OFF cells first, then the ON cells, as the table shows.
    const types = (await page.locator('[data-testid="spikes-units"] tbody tr td:nth-child(2)').allTextContents()).map((t) => t.toLowerCase());
    expect(types.filter((t) => t.includes('off')).length).toBe(31);
    expect(types.filter((t) => t.includes('on') && !t.includes('off')).length).toBe(18);
    expect(types.findIndex((t) => !t.includes('off'))).toBe(31);
    // The PSTH defaults of a reversing-grating experiment.
    expect(await page.getByLabel('PSTH before').inputValue()).toBe('0.5');
    expect(await page.getByLabel('PSTH after').inputValue()).toBe('1');
    expect(await page.getByLabel('PSTH bin').inputValue()).toBe('10');
    await expect.poll(() => page.locator('.spikes-controls').textContent()).toMatch(/\d+ events with their whole window/);
    for (const id of ['spikes-psth-map', 'spikes-type-means', 'spikes-unit-raster', 'spikes-unit-psth', 'spikes-isi']) expect(await drawn(`[data-testid="${id}"] canvas`)).toBeGreaterThan(8_000);
    await page.screenshot({ path: join(RESULTS, 'spikes-retina.png') });
  });

  it('retina: zoomed to 10 s each tick is a spike; the wheel zooms and ←/→ pan', async () => {
    await page.getByLabel('Raster window').selectOption({ label: '10 s' });
    await settled();
    expect(await raster().getAttribute('data-mode')).toBe('spikes');
    expect(await page.getByTestId('spikes-raster-caption').textContent()).toMatch(/10 s shown.*each tick is a spike/);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('spikes-raster-caption').textContent()).not.toMatch(/10 s shown \(7:07/);
    await settled();
    const box = (await raster().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.mouse.wheel(0, -200);
    await expect.poll(() => page.getByTestId('spikes-raster-caption').textContent()).toMatch(/8 s shown/);
    await settled();
    // The pointer names the unit and time under it (rows are too thin for names).
    await expect.poll(() => page.getByTestId('spikes-hover').textContent()).toMatch(/^unit \d+ \(O(ff|n) parasol\) · \d+:\d\d\.\d{3}$/);
    await page.screenshot({ path: join(RESULTS, 'spikes-retina-zoomed.png') });
  });

  it('retina: a Shift+click on an ON cell gives the OFF × ON cross-correlogram; sorting by rate and by id', async () => {
    const on = unitRows().filter({ hasText: 'On parasol' }).first();
    await on.click({ modifiers: ['Shift'] });
    await settled();
    expect(await page.locator('[data-testid="spikes-ccg"] canvas').getAttribute('aria-label')).toBe('Cross-correlogram');
    await page.getByLabel('ISI log scale').uncheck();
    await expect.poll(() => page.locator('[data-testid="spikes-isi"] canvas').getAttribute('data-log-x')).toBe('false');
    await page.getByLabel('Raster window').selectOption({ label: '1 min' });
    await settled();
    await page.screenshot({ path: join(RESULTS, 'spikes-retina-pair.png') });
    await page.getByLabel('ISI log scale').check();

    await page.getByLabel('Sort').selectOption('rate');
    const rates = (await page.locator('[data-testid="spikes-units"] tbody tr td:nth-child(3)').allTextContents()).map(Number);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    await page.getByLabel('Sort').selectOption('id');
    const ids = (await page.locator('[data-testid="spikes-units"] tbody tr td:nth-child(1)').allTextContents()).map((t) => parseInt(t, 10));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('NWB units: three tall lanes, the epoch as an event set, ISI and correlograms of the first unit', async () => {
    await openSpikes('pynapple_A8604-211122_units.nwb', 3);
    await settled(false);
    const ids = (await page.locator('[data-testid="spikes-units"] tbody tr td:nth-child(1)').allTextContents()).map((t) => t.replace(/\s*[AB]$/, '').trim());
    expect([...ids].sort()).toEqual(['191', '206', '6']);
    expect(await note().textContent()).toMatch(/wake/);
    expect(await drawn('.spikes-raster-canvas')).toBeGreaterThan(8_000);
    await page.screenshot({ path: join(RESULTS, 'spikes-nwb.png') });
    expect(session.consoleErrors).toEqual([]);
  });
});
