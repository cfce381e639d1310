/**
 * End to end, a reviewer annotating the 64-channel EDF+ in Chromium: several close annotations
 * whose labels stack in lanes without overlapping (long text ellipsized, full text in the tooltip),
 * one edited and one deleted, both undone and redone from the keyboard, the list following the page,
 * and the result still there after a reload. Screenshot: test-results/eeg-annotations.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';

const FILE = 'bci2000_motor_imagery_64ch_T0T1T2_annotations.edf';
const EDF = dataFile('eeg', FILE);
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'eeg-annotations.png');
const PAGE_S = 10;
const GUTTER_PX = 96;
const RIGHT_PAD_PX = 8;
const LONG = 'sharp wave with after-going slow wave, left temporal, maximal at T7 (phase reversal)';

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe.skipIf(skipReason !== null)('EEG annotations in Chromium', () => {
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const traces = () => page.getByRole('img', { name: /^EEG traces/ });
  const list = () => page.getByRole('list', { name: 'Annotations' });
  const listText = () => list().textContent();
  const labels = () => page.getByRole('group', { name: 'Annotation labels' }).locator('.eeg-annotation-label');
  const openReview = async () => {
    await page.getByRole('button', { name: `Review ${FILE}`, exact: true }).click();
    await page.getByRole('heading', { name: 'Review', exact: true }).waitFor();
    await expect.poll(() => traces().getAttribute('aria-label'), { timeout: 20_000 }).toMatch(/^EEG traces, 64 channels/);
  };
  const focusTraces = () => page.getByRole('group', { name: 'Trace area' }).focus();
  /** Hovers the traces `offsetS` into the page and adds an annotation there with A. */
  const annotateAt = async (offsetS: number, text: string) => {
    const box = await traces().boundingBox();
    if (!box) throw new Error('trace canvas not laid out');
    const pxPerS = (box.width - GUTTER_PX - RIGHT_PAD_PX) / PAGE_S;
    await page.mouse.move(box.x + GUTTER_PX + offsetS * pxPerS, box.y + 300);
    await page.keyboard.press('a');
    const input = page.getByLabel('Annotation text');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(listText).toContain(text.slice(0, 30));
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1920, height: 1080 } });
    ({ page, consoleErrors } = session);
  });
  afterAll(async () => {
    await session?.close();
  });

  it('stacks the labels of close annotations in lanes that never overlap, long text ellipsized with a tooltip', async () => {
    await page.goto(session.served.url);
    await importByPath(page, EDF);
    await openReview();
    await expect.poll(() => list().locator('li').count()).toBeGreaterThan(10);
    await annotateAt(3.0, LONG);
    await annotateAt(3.2, 'spike');
    await annotateAt(3.4, 'eye blink artefact');
    await annotateAt(3.6, 'electrode pop F3');

    await expect.poll(() => labels().count()).toBeGreaterThanOrEqual(5); // ours and the file's T0/T1/T2 on page 1
    const boxes = (await labels().evaluateAll((elements) => elements.map((e) => e.getBoundingClientRect().toJSON()))) as Box[];
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!), `labels ${i} and ${j} overlap`).toBe(false);
    const lanes = await labels().evaluateAll((elements) => elements.map((e) => Number(e.getAttribute('data-lane'))));
    expect(new Set(lanes).size).toBeGreaterThanOrEqual(3);

    const long = page.getByRole('button', { name: `Edit annotation ${LONG}` });
    expect(await long.getAttribute('title')).toContain(LONG);
    // Ellipsized: the text is wider than its box.
    expect(await long.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);

    await page.mouse.move(5, 5);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.locator('.eeg-review').screenshot({ path: SCREENSHOT });
  });

  it('edits from the label and deletes from the list, each as a change the list shows at once', async () => {
    await page.getByRole('button', { name: 'Edit annotation spike', exact: true }).click();
    const input = page.getByLabel('Annotation text');
    expect(await input.inputValue()).toBe('spike');
    await input.fill('spike-wave complex');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(listText).toContain('spike-wave complex');
    expect(await list().locator('li', { hasText: /spike$/ }).count()).toBe(0);

    const blink = list().locator('li', { hasText: 'eye blink artefact' });
    await blink.getByRole('button', { name: /^Delete the annotation at / }).click();
    await expect.poll(listText).not.toContain('eye blink artefact');
    expect(await page.locator('.eeg-annotation-status').textContent()).toContain('Deleted “eye blink artefact”');
  });

  it('undoes and redoes with Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y, but not while typing in a field', async () => {
    // In a text field Ctrl+Z is the field's own.
    await page.getByLabel('Export to path').fill('/tmp/x');
    await page.getByLabel('Export to path').press('Control+z');
    await page.waitForTimeout(300);
    expect(await listText()).not.toContain('eye blink artefact');

    await focusTraces();
    await page.keyboard.press('Control+z'); // undo the delete
    await expect.poll(listText).toContain('eye blink artefact');
    await page.keyboard.press('Control+z'); // undo the edit
    await expect.poll(listText).not.toContain('spike-wave complex');
    expect(await list().locator('li', { hasText: /spike/ }).count()).toBe(1);
    await page.keyboard.press('Control+Shift+z'); // redo the edit
    await expect.poll(listText).toContain('spike-wave complex');
    await page.keyboard.press('Control+y'); // redo the delete
    await expect.poll(listText).not.toContain('eye blink artefact');
    expect(await page.locator('.eeg-annotation-status').textContent()).toContain('Redid delete of “eye blink artefact”');
  });

  it('highlights and scrolls to the annotations of the page shown', async () => {
    const current = () => list().locator('li[aria-current="true"] time').allTextContents();
    // Page 1 (16:15:00–16:15:10): ours at 3.0–3.6 s and the file's events on it.
    expect(await current()).toEqual(expect.arrayContaining(['16:15:03']));
    await focusTraces();
    await page.keyboard.press('End');
    // The last page (16:16:54–16:17:04): the events starting on it, and the one still running into it.
    await expect.poll(current).toEqual(['16:16:51.9', '16:16:57', '16:16:58.4']);
    // The last page's annotations are scrolled into the list's view.
    const listBox = (await list().boundingBox())!;
    const firstCurrent = (await list().locator('li[aria-current="true"]').first().boundingBox())!;
    expect(firstCurrent.y).toBeGreaterThanOrEqual(listBox.y - 1);
    expect(firstCurrent.y + firstCurrent.height).toBeLessThanOrEqual(listBox.y + listBox.height + 1);
    expect(await list().evaluate((e) => e.scrollTop)).toBeGreaterThan(0);
    await page.keyboard.press('Home');
    await expect.poll(current).toEqual(expect.arrayContaining(['16:15:03']));
    expect(await list().evaluate((e) => e.scrollTop)).toBe(0);
  });

  it('keeps the edits after a reload (they live in the project file)', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await openReview();
    await expect.poll(listText).toContain('spike-wave complex');
    const text = await listText();
    expect(text).toContain('electrode pop F3');
    expect(text).toContain(LONG);
    expect(text).not.toContain('eye blink artefact');
    expect(consoleErrors).toEqual([]);
  });
});
