/**
 * End to end, as a clinician reviewing a recording: `cajal serve` on a fresh project, the UI in
 * Debian's Chromium, a 64-channel EDF+ imported by path, then the Review view: montages, display
 * filters, keyboard paging, a measurement, an annotation added with `A` that is still there after a
 * reload, and a screenshot of the viewer (test-results/eeg-viewer.png) as the artifact.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEdf } from '../../main/io/edf/index.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import type { Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const FILE = 'bci2000_motor_imagery_64ch_T0T1T2_annotations.edf';
const EDF = dataFile('eeg', FILE);
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'eeg-viewer.png');
// A synthetic EDF+D: 23 channels of the 10-20 system at 256 Hz, records at 0–3 s then 8–63 s.
const LABELS_1020 = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2', 'A1', 'A2', 'Fpz', 'Oz'];
const GAPPED_FILE = 'gapped_1020_edfplusD.edf';
const RATE = 256;
function gappedEdf(): Buffer {
  const recordStartsS = [0, 1, 2, 3, ...Array.from({ length: 56 }, (_, r) => 8 + r)];
  return encodeEdf({
    variant: 'edf+D',
    dataRecordDurationS: 1,
    recordCount: recordStartsS.length,
    recordStartsS,
    startDateTime: '2025-02-03T22:15:00',
    signals: LABELS_1020.map((label, c) => ({
      label,
      physicalDimension: 'uV',
      physicalMin: -500,
      physicalMax: 500,
      samplesPerRecord: RATE,
      values: (r: number) => Float64Array.from({ length: RATE }, (_, i) => 20 * Math.sin((2 * Math.PI * (3 + c / 4) * (r * RATE + i)) / RATE)),
    })),
  });
}

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('EEG review viewer in Chromium', () => {
  const tmp = tempDir();
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const derivations = () => page.getByRole('list', { name: 'Derivations shown' }).locator('li').allTextContents();
  const traces = () => page.getByRole('img', { name: /^EEG traces/ });
  const position = () => page.locator('.eeg-position[role="status"]');
  const openReview = async () => {
    await page.getByRole('button', { name: `Review ${FILE}`, exact: true }).click();
    await page.getByRole('heading', { name: 'Review', exact: true }).waitFor();
    await expect.poll(() => traces().getAttribute('aria-label'), { timeout: 20_000 }).toMatch(/^EEG traces, 64 channels/);
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1920, height: 1080 } });
    ({ served, page, consoleErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
    tmp.cleanup();
  });

  it('imports the 64-channel EDF+ and opens it in Review', async () => {
    await page.goto(served.url);
    await importByPath(page, EDF);
    await openReview();
    await expect.poll(() => page.locator('.eeg-file').textContent()).toBe(FILE);
    // Recording start 2009-08-12 16:15:00 (header); page 1 of 13 (124 s in 10 s pages).
    expect(await page.getByLabel('Page start').textContent()).toContain('16:15:00');
    expect(await position().textContent()).toContain('Page 1 of 13');
    const referential = await derivations();
    expect(referential).toHaveLength(64);
    expect(referential[0]).toBe('Fc5.');
    // The spectral overview arrives and annotations of the file are listed.
    await expect
      .poll(() => page.getByRole('img', { name: /^Overview of the whole recording/ }).getAttribute('aria-label'), { timeout: 30_000 })
      .toContain('compressed spectral array 0.5–30 Hz');
    await expect.poll(() => page.getByRole('list', { name: 'Annotations' }).locator('li').count()).toBeGreaterThan(10);
  });

  it('switches to the average montage (key 2), then bipolar longitudinal (picker)', async () => {
    await page.getByRole('group', { name: 'Trace area' }).focus();
    await page.keyboard.press('2');
    await expect.poll(async () => (await derivations()).every((label) => label.endsWith('-Avg'))).toBe(true);
    expect(await derivations()).toContain('C3-Avg');
    expect(await traces().getAttribute('aria-label')).toContain('average');

    await page.getByLabel('Montage', { exact: true }).selectOption('bipolar-longitudinal');
    await expect.poll(() => derivations()).toEqual(expect.arrayContaining(['Fp1-F7', 'F7-T7', 'C3-P3', 'Fz-Cz', 'P8-O2']));
    expect((await derivations()).some((label) => label.endsWith('-Avg'))).toBe(false);
    expect(await traces().getAttribute('aria-label')).toMatch(/^EEG traces, 18 channels, 0:00:00–0:00:10, bipolar-longitudinal$/);
  });

  it('applies display filters and pages with the keyboard', async () => {
    // 128 Hz data: low-pass choices stop below Nyquist (64 Hz), so 40 Hz is the highest offered.
    expect(await page.getByLabel('Low-pass', { exact: true }).locator('option').allTextContents()).not.toContain('70 Hz');
    await page.getByLabel('High-pass', { exact: true }).selectOption('1');
    await page.getByLabel('Low-pass', { exact: true }).selectOption('40');
    await page.getByLabel('Notch', { exact: true }).selectOption('50');
    expect(await page.getByLabel('High-pass', { exact: true }).inputValue()).toBe('1');
    // The recording opens at a fitted sensitivity and a fit-to-window timebase; the clinical
    // 7 µV/mm and 30 mm/s are chosen here, as a reader would.
    expect(await page.getByLabel('Timebase', { exact: true }).inputValue()).toBe('fit');
    await page.getByLabel('Sensitivity', { exact: true }).selectOption('7');
    await page.getByLabel('Timebase', { exact: true }).selectOption('30');
    expect(await page.getByLabel('Page length', { exact: true }).inputValue()).toBe('10');
    // 10 s at 30 mm/s is 300 mm = 1134 CSS px at 96 px/in: it fits this 1920 px window.
    const plot = await traces().boundingBox();
    expect(plot?.width).toBeGreaterThan(1134);
    expect(await page.locator('.eeg-overflow').count()).toBe(0);

    await page.getByRole('group', { name: 'Trace area' }).focus();
    await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('16:15:20');
    await page.keyboard.press('PageUp');
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('16:15:10');
    await expect.poll(() => position().textContent()).toContain('Page 2 of 13 · 16:15:10');
    await expect.poll(() => traces().getAttribute('aria-label')).toContain('0:00:10–0:00:20');
    expect(await page.locator('.eeg-loading').count()).toBe(0);
    // 1280 samples per channel on a 1134 px plot: fewer than a (min, max) pair per pixel, drawn raw.
    expect(await traces().getAttribute('data-decimated')).toBe('false');
    // + is more gain: one sensitivity step down (7 → 5 µV/mm).
    await page.keyboard.press('+');
    expect(await page.getByLabel('Sensitivity', { exact: true }).inputValue()).toBe('5');
    await page.keyboard.press('-');
    expect(await page.getByLabel('Sensitivity', { exact: true }).inputValue()).toBe('7');
  });

  it('measures Δt and Δamplitude by dragging on the traces', async () => {
    const box = await traces().boundingBox();
    if (!box) throw new Error('trace canvas not laid out');
    // 30 mm/s at 96 px/in: 1 s = 113.4 px; start in the first row, right of the 96 px label gutter.
    const x0 = box.x + 200;
    const y0 = box.y + 40;
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x0 + 113.4, y0 + 30, { steps: 5 });
    await page.mouse.up();
    const text = await page.locator('.eeg-measure').textContent();
    expect(text).toMatch(/^Δt \d\.\d{3} s · Δ \d+\.\d µV \(Fp1-F7\)$/);
    // Mouse positions land on whole pixels: within a pixel (8.8 ms) of 1 s.
    expect(Number(/Δt (\d\.\d{3}) s/.exec(text ?? '')?.[1])).toBeCloseTo(1, 1);
    // 30 px at 7 µV/mm and 96 px/in: 30 / (3.7795 / 7) = 55.6 µV.
    expect(Number(/Δ (\d+\.\d) µV/.exec(text ?? '')?.[1])).toBeCloseTo(55.6, 0);
  });

  it('adds an annotation with A at the cursor', async () => {
    const box = await traces().boundingBox();
    if (!box) throw new Error('trace canvas not laid out');
    // Three seconds into the page (10 s): the annotation lands at 13 s ≈ 16:15:13.
    await page.mouse.move(box.x + 96 + 3 * (96 / 25.4) * 30, box.y + 200);
    await page.keyboard.press('a');
    const text = page.getByLabel('Annotation text');
    await text.waitFor();
    await text.fill('e2e spike-wave');
    await text.press('Enter');
    await expect.poll(() => page.getByRole('list', { name: 'Annotations' }).textContent()).toContain('e2e spike-wave');
    const item = page.getByRole('listitem').filter({ hasText: 'e2e spike-wave' });
    expect(await item.textContent()).toContain('16:15:13');
    await page.mouse.move(box.x + 5, box.y + box.height + 60);
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.locator('.eeg-review').screenshot({ path: SCREENSHOT });
  });

  it('still lists the annotation after a reload (it lives in the project file)', async () => {
    await page.reload();
    // The reload comes back to Review (the view is in the address); go to the Library from there.
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.locator('tr', { hasText: FILE }).waitFor();
    await openReview();
    const list = page.getByRole('list', { name: 'Annotations' });
    await expect.poll(() => list.textContent()).toContain('e2e spike-wave');
    // Clicking it jumps to the page holding it (a tenth of a page of context before it).
    await list.getByRole('button', { name: /e2e spike-wave/ }).click();
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('16:15:12');
  });

  it('exports the annotations as BIDS events.tsv and EDF+ to typed paths', async () => {
    const tsv = join(tmp.dir, 'sub-01_task-mi_events.tsv');
    await page.getByLabel('Export to path').fill(tsv);
    await page.getByRole('button', { name: 'Export BIDS events.tsv' }).click();
    await expect.poll(() => page.locator('.eeg-export-done').textContent()).toBe(`Wrote 39 annotation(s) to ${tsv}`);
    const rows = readFileSync(tsv, 'utf8').trim().split('\n');
    expect(rows[0]).toMatch(/^onset\tduration\t/);
    expect(rows.some((row) => row.includes('e2e spike-wave'))).toBe(true);
    await page.getByLabel('Export to path').fill(join(tmp.dir, 'annotations.edf'));
    await page.getByRole('button', { name: 'Export EDF+ annotations' }).click();
    await expect.poll(() => page.locator('.eeg-export-done').textContent()).toContain('annotations.edf');
    // A source recording is never overwritten: the engine refuses, the panel says why.
    await page.getByLabel('Export to path').fill(EDF);
    await page.getByRole('button', { name: 'Export EDF+ annotations' }).click();
    await expect.poll(() => page.locator('.eeg-export [role="alert"]').textContent()).toContain('never overwrites sources');
  });

  it('asks before replacing an existing export, and never writes over the project file', async () => {
    const tsv = join(tmp.dir, 'sub-01_task-mi_events.tsv');
    writeFileSync(tsv, 'kept\n');
    const questions: string[] = [];
    // The user first declines: the file keeps its content.
    page.once('dialog', (dialog) => {
      questions.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByLabel('Export to path').fill(tsv);
    await page.getByRole('button', { name: 'Export BIDS events.tsv' }).click();
    await expect.poll(() => questions).toEqual([`Replace ${tsv}? It already exists.`]);
    expect(readFileSync(tsv, 'utf8')).toBe('kept\n');
    // Then accepts: the export replaces it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Export BIDS events.tsv' }).click();
    await expect.poll(() => page.locator('.eeg-export-done').textContent()).toBe(`Wrote 39 annotation(s) to ${tsv}`);
    expect(readFileSync(tsv, 'utf8')).toMatch(/^onset\tduration\t/);
    // The open project is refused outright (no question asked), and it keeps working.
    const before = readFileSync(session.project);
    await page.getByLabel('Export to path').fill(session.project);
    await page.getByRole('button', { name: 'Export BIDS events.tsv' }).click();
    await expect.poll(() => page.locator('.eeg-export [role="alert"]').textContent()).toContain('project file');
    expect(readFileSync(session.project).subarray(0, 16).toString('latin1')).toBe(before.subarray(0, 16).toString('latin1'));
    await page.locator('.eeg-export').screenshot({ path: join(REPO_ROOT, 'test-results', 'eeg-export-refused.png') });
    await expect.poll(() => page.getByRole('list', { name: 'Annotations' }).textContent()).toContain('e2e spike-wave');
  });

  it('shades the gaps of an EDF+D file, decimates zoomed-out pages and saves a user montage', async () => {
    const gapped = join(tmp.dir, GAPPED_FILE);
    writeFileSync(gapped, gappedEdf());
    await page.keyboard.press('Alt+1');
    await page.getByLabel('Path to a file on this machine').fill(gapped);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('button', { name: `Review ${GAPPED_FILE}`, exact: true }).click();
    await expect.poll(() => traces().getAttribute('aria-label'), { timeout: 20_000 }).toBe(
      'EEG traces, 23 channels, 0:00:00–0:00:10, referential, no data 0:00:04–0:00:08',
    );
    expect(await page.getByLabel('Page start').textContent()).toContain('22:15:00');
    // Zoomed out: a 60 s page fitted to the window is min/max decimated to the plot's pixels.
    await page.getByLabel('Page length', { exact: true }).selectOption('60');
    await page.getByLabel('Timebase', { exact: true }).selectOption('fit');
    await expect.poll(() => traces().getAttribute('data-decimated')).toBe('true');
    expect(await traces().getAttribute('aria-label')).toContain('0:00:00–0:01:00, referential, no data 0:00:04–0:00:08');
    // The last record starts at 63 s: the recording runs to 0:01:04 and has two 60 s pages.
    await expect.poll(() => position().textContent()).toContain('Page 1 of 2');
    expect(await position().textContent()).toContain('of 0:01:04');
    const box = await traces().boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1920);
    await page.locator('.eeg-review').screenshot({ path: join(REPO_ROOT, 'test-results', 'eeg-viewer-gaps.png') });

    // A user montage: two derivations typed plus-minus, saved, selected and drawn.
    await page.getByRole('button', { name: 'Edit montage…' }).click();
    await page.getByLabel('Montage name').fill('e2e pairs');
    await page.getByLabel(/^Derivations, one per line/).fill('Fp1-F7\nC3-avg\nOz');
    await page.getByRole('button', { name: 'Save montage' }).click();
    await expect.poll(() => derivations()).toEqual(['Fp1-F7', 'C3-avg', 'Oz']);
    expect(await page.getByLabel('Montage', { exact: true }).inputValue()).toBe('e2e pairs');
    // Back to the defaults for whoever runs the viewer next in this browser profile.
    await page.getByLabel('Page length', { exact: true }).selectOption('10');
    await page.getByLabel('Timebase', { exact: true }).selectOption('fit');
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
