/**
 * Issue #17, point 7, as a user in Chromium: the Library on a real EEG, calcium and SWC file, one
 * table per kind with the columns that describe it; a re-import says the file is already there; a
 * recording is removed after a confirmation, and its file on disk is untouched.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';

const EDF = dataFile('eeg', 'sleep_edf_SC4001E0_first5min_short_psg.edf');
const SWC = dataFile('morphology', 'guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc');
const CALCIUM = dataFile('calcium', 'zebrafish_tectum_triplett2018', 'zf_20170215-f3_activity_matrix.csv');
const RESULTS = join(REPO_ROOT, 'test-results');
const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;

function fingerprint(path: string): { sha256: string; mtimeMs: number } {
  return { sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), mtimeMs: statSync(path).mtimeMs };
}

/** A kind's table as { header: cell } per row (the # column, file name and the columns of that kind). */
async function tableRows(page: Page, title: string): Promise<Record<string, string>[]> {
  const table = page.getByRole('table', { name: `${title} recordings` });
  await table.waitFor();
  const headers = await table.locator('thead th').allTextContents();
  const rows: Record<string, string>[] = [];
  for (const row of await table.locator('tbody tr').all()) {
    const cells = await row.locator('td').allTextContents();
    rows.push(Object.fromEntries(headers.map((header, i) => [header, cells[i] ?? ''])));
  }
  return rows;
}

describe.skipIf(skipReason !== null)('Library in Chromium: columns per kind, duplicates, remove', () => {
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    page = session.page;
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
  });
  afterAll(async () => {
    await session?.close();
  });

  it('names every kind it imports while the project is empty', async () => {
    expect(await page.locator('p.empty').textContent()).toBe('No recordings yet. Import an EEG (EDF, BDF), calcium imaging or SWC file to begin.');
  });

  it('imports an EDF, a calcium CSV and an SWC into one table per kind, with the columns that fit it', async () => {
    await page.getByLabel('Path to a file on this machine').fill(`${EDF}\n${CALCIUM}\n${SWC}`);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => page.getByRole('status').first().locator('p').first().textContent())
      .toBe('Imported 3 recordings: sleep_edf_SC4001E0_first5min_short_psg.edf, zf_20170215-f3_activity_matrix.csv, guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc.');

    const [eeg] = await tableRows(page, 'EEG');
    expect(eeg).toMatchObject({ Format: 'EDF', Channels: '7', Rate: '100 Hz', Duration: '0:05:00' });

    // 75 cells × 5,660 frames (PROVENANCE.md); the CSV states no frame rate, so no rate and no
    // duration are made up (a rate from a header shows to 3 decimals: test/unit/renderer/library-columns).
    const [calcium] = await tableRows(page, 'Calcium imaging');
    expect(calcium).toMatchObject({ Format: 'CALCIUM-CSV', Cells: '75', Frames: '5,660', 'Frame rate': '—', Duration: '—' });

    const [morphology] = await tableRows(page, 'Morphologies');
    expect(Object.keys(morphology!)).toEqual(['#', 'File', 'Format', 'Nodes', 'Trees', 'Length', 'Size', 'Analyse', 'Remove']);
    expect(morphology).toMatchObject({ Format: 'SWC', Trees: '1' });
    expect(morphology!.Length).toMatch(/^[\d,]+ µm$/);
    const swcRow = page.locator('tr', { hasText: 'purk2.CNG.swc' });
    expect(await swcRow.textContent()).not.toMatch(/0 Hz|0:00:00/);
  });

  it('says a re-imported file is already in the project and adds nothing', async () => {
    await page.getByLabel('Path to a file on this machine').fill(SWC);
    await page.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('guineapig_cerebellar_purkinje_v_e_purk2.CNG.swc is already in the project (recording #3); nothing added.');
    expect(await page.locator('tbody tr', { hasText: 'purk2.CNG.swc' }).count()).toBe(1);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'library.png'), fullPage: true });
    // The README shows it: copy it to docs/library.png when the Library changes.
  });

  it('removes a recording after a confirmation; Keep leaves it; the file on disk is untouched', async () => {
    const before = fingerprint(CALCIUM);
    const row = page.locator('tbody tr', { hasText: 'zf_20170215-f3_activity_matrix.csv' });
    await row.getByRole('button', { name: 'Remove zf_20170215-f3_activity_matrix.csv from the project' }).click();
    const confirm = row.getByRole('group', { name: 'Confirm removing zf_20170215-f3_activity_matrix.csv' });
    expect(await confirm.textContent()).toContain('Remove from project? The file stays on disk.');
    await page.screenshot({ path: join(RESULTS, 'library-remove-confirm.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Keep' }).click();
    expect(await row.count()).toBe(1);

    await row.getByRole('button', { name: 'Remove zf_20170215-f3_activity_matrix.csv from the project' }).click();
    await row.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.locator('p.notice').textContent()).toBe(
      'Removed zf_20170215-f3_activity_matrix.csv from the project; the file on disk is untouched.',
    );
    expect(await page.getByRole('table', { name: 'Calcium imaging recordings' }).count()).toBe(0);
    expect(fingerprint(CALCIUM)).toEqual(before);
    await page.screenshot({ path: join(RESULTS, 'library-removed.png'), fullPage: true });
  });
});
