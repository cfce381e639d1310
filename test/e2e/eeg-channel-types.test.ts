/**
 * End to end, as a clinician opening real polygraphic recordings at 1440 × 900: the Sleep-EDF PSG
 * (EEG, EOG, EMG, respiration, temperature, event marker), the Nihon Kohden export (EEG with ECG,
 * SaO2, DC and other polygraphic inputs) and the 64-channel BCI2000 EDF+. Each opens fitted to the
 * window (no sideways scroll), each channel type at its own scale and colour, every trace inside
 * its lane (read back from the canvas pixels), filter menus below the data's Nyquist frequency, and
 * channels can be hidden and reordered. Screenshots: test-results/eeg-psg-default.png,
 * eeg-nihon-kohden-default.png, eeg-64ch-default.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import type { Served } from '../helpers/serve.js';

const PSG = 'sleep_edf_SC4001E0_first5min_short_psg.edf';
const NIHON_KOHDEN = 'nihonkohden_clinical_chtypes_5s.edf';
const BCI64 = 'bci2000_motor_imagery_64ch_T0T1T2_annotations.edf';
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

interface Row {
  label: string;
  type: string;
  scale: string;
  top: number;
  bottom: number;
}

interface LaneInk {
  /** Dark (EEG-coloured) pixels in each row's lane, over the plot's width. */
  dark: number[];
  /** Share of the plot's pixels that are dark: a "black block" is near 1. */
  darkShare: number;
}

describe.skipIf(skipReason !== null)('EEG channel types and default display in Chromium at 1440 px', () => {
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const traces = () => page.getByRole('img', { name: /^EEG traces/ });
  const rows = (): Promise<Row[]> =>
    page.getByRole('list', { name: 'Derivations shown' }).locator('li').evaluateAll((items) =>
      items.map((li) => {
        const [top, bottom] = (li.getAttribute('data-lane') ?? '0 0').split(' ').map(Number);
        return { label: li.textContent ?? '', type: li.getAttribute('data-type') ?? '', scale: li.getAttribute('data-scale') ?? '', top: top!, bottom: bottom! };
      }),
    );
  const options = (label: string) => page.getByLabel(label, { exact: true }).locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value));

  /** Dark pixels per lane, read from the trace canvas (EEG is drawn in the theme's near-black text colour; other types in lighter colours). */
  const laneInk = (lanes: Row[]): Promise<LaneInk> =>
    page.locator('canvas.eeg-trace-canvas').evaluate((node, laneRows) => {
      const canvas = node as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const left = Math.ceil(100 * scale); // right of the label gutter (96 px) and the plot's left edge
      const right = canvas.width - Math.ceil(10 * scale);
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const darkAt = (x: number, y: number) => {
        const i = 4 * (y * canvas.width + x);
        return image[i]! < 90 && image[i + 1]! < 90 && image[i + 2]! < 90;
      };
      let total = 0;
      let area = 0;
      const dark = laneRows.map(({ top, bottom }) => {
        let count = 0;
        // One pixel inside each lane edge: the neighbour's clip edge may antialias onto it.
        for (let y = Math.ceil((top + 1) * scale); y < Math.floor((bottom - 1) * scale); y++) {
          for (let x = left; x < right; x++) if (darkAt(x, y)) count++;
          area += right - left;
        }
        total += count;
        return count;
      });
      return { dark, darkShare: area ? total / area : 0 };
    }, lanes);

  const openReview = async (file: string, channels: number) => {
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: `Review ${file}`, exact: true }).click();
    await expect.poll(() => traces().getAttribute('aria-label'), { timeout: 20_000 }).toMatch(new RegExp(`^EEG traces, ${channels} channels`));
    // Scales are fitted once the page is laid out: every row then says its type and scale.
    await expect.poll(async () => (await rows()).every((row) => row.type && row.scale), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.locator('.eeg-loading').count()).toBe(0);
  };

  /** At the default (fit-to-window) timebase nothing scrolls sideways and no warning shows. */
  const expectNoSidewaysScroll = async () => {
    expect(await page.getByLabel('Timebase', { exact: true }).inputValue()).toBe('fit');
    expect(await page.locator('.eeg-overflow').count()).toBe(0);
    const area = await page.getByRole('group', { name: 'Trace area' }).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(area.scroll).toBeLessThanOrEqual(area.client);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    ({ served, page, consoleErrors } = session);
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('imports the three recordings', async () => {
    await page.goto(served.url);
    for (const file of [PSG, NIHON_KOHDEN, BCI64]) await importByPath(page, dataFile('eeg', file));
  });

  it('opens the Sleep-EDF PSG fitted to the window, each channel type at its own scale', async () => {
    await openReview(PSG, 7);
    await expectNoSidewaysScroll();
    const shown = await rows();
    expect(shown.map((r) => [r.label, r.type])).toEqual([
      ['EEG Fpz-Cz', 'eeg'],
      ['EEG Pz-Oz', 'eeg'],
      ['EOG horizontal', 'eog'],
      ['Resp oro-nasal', 'resp'],
      ['EMG submental', 'emg'],
      ['Temp rectal', 'temp'],
      ['Event marker', 'event'],
    ]);
    const scaleOf = (label: string) => shown.find((r) => r.label === label)!.scale;
    expect(scaleOf('EEG Fpz-Cz')).toMatch(/^\d+ µV\/mm$/);
    expect(scaleOf('EEG Pz-Oz')).toBe(scaleOf('EEG Fpz-Cz')); // one EEG scale
    expect(scaleOf('Temp rectal')).toMatch(/ °C\/mm$/);
    expect(scaleOf('Resp oro-nasal')).toMatch(/ units\/mm$/);
    // The submental EMG (±5 µV) is fitted at its own scale, far finer than the EEG's.
    expect(parseFloat(scaleOf('EMG submental'))).toBeLessThan(parseFloat(scaleOf('EEG Fpz-Cz')));
    // The panel's pickers hold the same scales.
    expect(await page.getByLabel('Temp scale', { exact: true }).inputValue()).toBe(scaleOf('Temp rectal').split(' ')[0]);
    expect(await page.getByLabel('Sensitivity', { exact: true }).inputValue()).toBe(scaleOf('EEG Fpz-Cz').split(' ')[0]);
    expect(await page.locator('.eeg-measure').textContent()).toMatch(/^EEG \d+ µV\/mm · EOG \d+ µV\/mm · EMG [\d.]+ µV\/mm · Resp \d+ units\/mm · Temp [\d.]+ °C\/mm · Event/);

    const ink = await laneInk(shown);
    expect(ink.dark[0]).toBeGreaterThan(100); // the EEG is drawn…
    expect(ink.dark.slice(2)).toEqual([0, 0, 0, 0, 0]); // …and never in another type's lane
    expect(ink.darkShare).toBeLessThan(0.2);
    await page.mouse.move(5, 890);
    await page.screenshot({ path: join(RESULTS, 'eeg-psg-default.png') });
  });

  it('offers no filter at or above 50 Hz on 100 Hz data', async () => {
    const above = (values: string[]) => values.filter((v) => v !== 'off' && Number(v) >= 50);
    expect(above(await options('Low-pass'))).toEqual([]);
    expect(above(await options('High-pass'))).toEqual([]);
    expect(await options('Notch')).toEqual(['off']);
    expect(await options('Low-pass')).toEqual(['off', '15', '30', '35', '40']);
    // The 70 Hz default cannot apply to 100 Hz data: it reads as off.
    expect(await page.getByLabel('Low-pass', { exact: true }).inputValue()).toBe('off');
  });

  it('keeps every trace in its lane even at a gain far too high for the EEG', async () => {
    await page.getByLabel('Sensitivity', { exact: true }).selectOption('1');
    await expect.poll(async () => (await rows())[0]!.scale).toBe('1 µV/mm');
    const ink = await laneInk(await rows());
    expect(ink.dark[0]).toBeGreaterThan(100);
    expect(ink.dark.slice(2)).toEqual([0, 0, 0, 0, 0]);
    // Auto scale fits the EEG again.
    await page.getByRole('button', { name: 'Auto scale' }).click();
    await expect.poll(async () => (await rows())[0]!.scale).not.toBe('1 µV/mm');
  });

  it('hides a channel and moves another up', async () => {
    await page.getByText(/shown · hide or reorder/).click();
    await page.getByLabel('Show Event marker', { exact: true }).uncheck();
    await expect.poll(() => traces().getAttribute('aria-label')).toMatch(/^EEG traces, 6 channels/);
    expect((await rows()).map((r) => r.label)).not.toContain('Event marker');
    await page.getByRole('button', { name: 'Move Temp rectal up', exact: true }).click();
    await expect.poll(async () => (await rows()).map((r) => r.label)).toEqual([
      'EEG Fpz-Cz',
      'EEG Pz-Oz',
      'EOG horizontal',
      'Resp oro-nasal',
      'Temp rectal',
      'EMG submental',
    ]);
    expect(await page.getByText('6 of 7 shown · hide or reorder').count()).toBe(1);
    // Shown again, at the end of the list where it was.
    await page.getByLabel('Show Event marker', { exact: true }).check();
    await expect.poll(async () => (await rows()).map((r) => r.label).at(-1)).toBe('Event marker');
  });

  it('opens the Nihon Kohden export readable: ECG, SaO2 and DC inputs at their own scales, in their lanes', async () => {
    await openReview(NIHON_KOHDEN, 42);
    await expectNoSidewaysScroll();
    // A 5 s recording fills the window in a 5 s page (the chosen 10 s would leave half of it empty).
    expect(await page.getByLabel('Page length', { exact: true }).inputValue()).toBe('5');
    expect(await traces().getAttribute('aria-label')).toMatch(/, 0:00:00–0:00:05, referential$/);
    const shown = await rows();
    const typeOf = (label: string) => shown.find((r) => r.label === label)?.type;
    expect(typeOf('EEG Fp1-Ref')).toBe('eeg');
    expect(typeOf('ECG ECG1')).toBe('ecg');
    expect(typeOf('SaO2 X9')).toBe('spo2');
    expect(typeOf('POL DC01')).toBe('dc');
    expect(typeOf('POL $A1')).toBe('event');
    const eegScale = shown.find((r) => r.label === 'EEG Fp1-Ref')!.scale;
    expect(shown.find((r) => r.label === 'POL DC01')!.scale).not.toBe(eegScale);
    // 200 Hz: the menus offer up to 70 Hz and both notches.
    expect(await options('Low-pass')).toEqual(['off', '15', '30', '35', '40', '70']);
    expect(await options('Notch')).toEqual(['off', '50', '60']);
    const ink = await laneInk(shown);
    const nonEeg = shown.map((r, i) => (r.type === 'eeg' ? null : ink.dark[i])).filter((n) => n !== null);
    expect(nonEeg.length).toBe(15);
    expect(nonEeg.every((n) => n === 0)).toBe(true);
    expect(ink.darkShare).toBeLessThan(0.3); // not a solid black panel
    await page.mouse.move(5, 890);
    await page.screenshot({ path: join(RESULTS, 'eeg-nihon-kohden-default.png') });
  });

  it('opens the 64-channel EDF+ at a fitted sensitivity, not a black block', async () => {
    await openReview(BCI64, 64);
    await expectNoSidewaysScroll();
    const shown = await rows();
    expect(new Set(shown.map((r) => r.type))).toEqual(new Set(['eeg']));
    // 64 lanes of about 11 px: the fitted sensitivity is coarser than the 7 µV/mm of a 21-channel page.
    expect(parseFloat(shown[0]!.scale)).toBeGreaterThan(7);
    // 128 Hz: no 70 Hz low-pass (Nyquist 64 Hz), the 50 and 60 Hz notches stay.
    expect(await options('Low-pass')).toEqual(['off', '15', '30', '35', '40']);
    expect(await options('Notch')).toEqual(['off', '50', '60']);
    const ink = await laneInk(shown);
    expect(ink.darkShare).toBeLessThan(0.3);
    expect(ink.dark.every((n) => n > 0)).toBe(true);
    // The screenshot with the spectral overview drawn.
    await expect
      .poll(() => page.getByRole('img', { name: /^Overview of the whole recording/ }).getAttribute('aria-label'), { timeout: 30_000 })
      .toContain('compressed spectral array');
    await page.mouse.move(5, 890);
    await page.screenshot({ path: join(RESULTS, 'eeg-64ch-default.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
