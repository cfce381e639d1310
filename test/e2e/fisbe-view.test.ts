/**
 * End to end, as a neuroscientist checking a segmentation: `cajal serve` on a fresh project, the UI
 * in Debian's Chromium (WebGL through SwiftShader), the real FISBe sample R14A02-20180905_65_A6
 * evaluated from the Segmentation view (`fisbe-eval` through `runs.start`), then the view: the
 * metric table (S = 0.3657, 7 GT, 9 predictions), the instances drawn in 3D, an instance picked in
 * the list (its numbers, its highlight in 3D and in the slices), the keyboard, a slice slider and a
 * click in a slice. Screenshots: test-results/fisbe-view.png and fisbe-view-selected.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import type { Served } from '../helpers/serve.js';

const GT = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.zarr');
const PRED = dataFile('segmentation', 'fisbe', 'R14A02-20180905_65_A6.hdf');
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('FISBe 3D error view in Chromium', () => {
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const metric = (label: string) => page.getByRole('table', { name: 'Metrics' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: label, exact: true }) }).locator('td.number');
  const list = () => page.getByRole('listbox', { name: 'Instances' });
  const option = (name: string) => list().getByRole('option').filter({ has: page.locator('.fisbe-instance-name', { hasText: new RegExp(`^${name}$`) }) });
  const selectedName = () => list().locator('[aria-selected="true"] .fisbe-instance-name').textContent();
  const details = () => page.getByRole('region', { name: 'Selected instance' });
  const scene = () => page.locator('.fisbe-scene');
  const fact = async (term: string) => {
    const terms = await details().locator('dt').allTextContents();
    const index = terms.indexOf(term);
    return index < 0 ? null : details().locator('dd').nth(index).textContent();
  };
  /** Clicks a slice canvas at the centre of one of its pixels. */
  const clickPixel = async (canvas: Locator, col: number, row: number) => {
    const box = await canvas.boundingBox();
    const width = Number(await canvas.getAttribute('data-columns'));
    const height = Number(await canvas.getAttribute('data-rows'));
    if (!box) throw new Error('slice canvas not laid out');
    await page.mouse.click(box.x + ((col + 0.5) / width) * box.width, box.y + ((row + 0.5) / height) * box.height);
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1680, height: 1050 } });
    ({ served, page, consoleErrors } = session);
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('evaluates the real sample from the Segmentation view', async () => {
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.keyboard.press('Alt+5');
    await page.getByRole('heading', { name: 'Segmentation', exact: true }).waitFor();
    await expect.poll(() => page.locator('.fisbe .empty').first().textContent()).toContain('No FISBe evaluation in this project yet');

    await page.getByLabel('Ground-truth path (zarr, HDF5)').fill(GT);
    await page.getByLabel('Prediction path').fill(PRED);
    await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
    // Several seconds on the real sample; minutes on a slow CI machine.
    await expect
      .poll(() => page.getByLabel('FISBe run').locator('option').allTextContents(), { timeout: 180_000, interval: 1000 })
      .toEqual([expect.stringMatching(/^#1 R14A02-20180905_65_A6\.hdf vs R14A02-20180905_65_A6\.zarr, S 0\.3657, \d{4}-\d\d-\d\d \d\d:\d\d$/)]);
  }, 200_000);

  it('shows the metric table of the official evaluator', async () => {
    await metric('S').waitFor({ timeout: 30_000 });
    expect(await metric('S').textContent()).toBe('0.3657');
    expect(await metric('Num GT').textContent()).toBe('7');
    expect(await metric('Num Pred').textContent()).toBe('9');
    expect(await metric('avF1').textContent()).toBe('0.3472');
    expect(await metric('C').textContent()).toBe('0.3841');
    expect(await metric('TP').textContent()).toBe('3');
    expect(await metric('FP').textContent()).toBe('6');
    expect(await metric('FN').textContent()).toBe('4');
    expect(await metric('FS').textContent()).toBe('0');
    expect(await metric('FM').textContent()).toBe('0');
    expect(await metric('clDice TP').textContent()).toBe('0.9114');
    // The 14 thresholds, folded until asked for.
    const thresholds = page.getByRole('table', { name: 'Scores per clDice threshold' });
    expect(await thresholds.isVisible()).toBe(false);
    await page.getByText('All 14 clDice thresholds').click();
    expect(await thresholds.isVisible()).toBe(true);
    expect(await thresholds.locator('tbody tr').count()).toBe(14);
    expect(await thresholds.locator('tbody tr').first().locator('th, td').allTextContents()).toEqual(['0.10', '3', '6', '4', '0.333', '0.429', '0.143', '0.375', '3', '0']);
    await page.getByText('All 14 clDice thresholds').click();
  });

  it('draws every instance in 3D and lists them with their status', async () => {
    await expect.poll(() => scene().getAttribute('data-ready'), { timeout: 120_000, interval: 1000 }).toBe('true');
    expect(await scene().getAttribute('data-instances')).toBe('16');
    expect(await scene().getAttribute('aria-label')).toBe('3D view of run 1: 7 GT and 9 predicted instances, GT and predictions as surfaces');
    expect(await list().getByRole('option').count()).toBe(16);
    expect(await list().getByRole('group', { name: 'Ground truth (7)' }).getByRole('option').count()).toBe(7);
    expect(await list().getByRole('group', { name: 'Predictions (9)' }).getByRole('option').count()).toBe(9);
    // Three true positives on each side; at clDice 0.5, three predictions split a GT neuron
    // (false_split of the 0.5 row) and the rest are unmatched.
    expect(await list().locator('.fisbe-status-true-positive').count()).toBe(6);
    expect(await list().locator('.fisbe-status-false-split').count()).toBe(3);
    expect(await list().locator('.fisbe-status-unmatched').count()).toBe(7);
    expect(await option('GT 5').textContent()).toContain('unmatched (false negative)');
    expect(await option('pred 6').textContent()).toBe('pred 6false splitbest clDice 0.095 (GT 1)');
    // The slices are drawn at the volume's centre: 385 z × 685 y × 686 x.
    const axial = page.getByRole('img', { name: /^Axial slice z = 192:/ });
    await expect.poll(() => axial.getAttribute('data-index'), { timeout: 30_000 }).toBe('192');
    expect([await axial.getAttribute('data-columns'), await axial.getAttribute('data-rows')]).toEqual(['686', '685']);
    const sagittal = page.getByRole('img', { name: /^Sagittal slice x = 343:/ });
    await expect.poll(() => sagittal.getAttribute('data-index'), { timeout: 30_000 }).toBe('343');
    expect([await sagittal.getAttribute('data-columns'), await sagittal.getAttribute('data-rows')]).toEqual(['685', '385']);
    await page.locator('.fisbe').screenshot({ path: join(RESULTS, 'fisbe-view.png') });
  });

  it('selects an instance in the list: its numbers, its highlight in 3D, the slices through it', async () => {
    await option('GT 2').click();
    expect(await selectedName()).toBe('GT 2');
    await expect.poll(() => details().getByRole('heading').textContent()).toContain('GT 2');
    expect(await fact('Status')).toBe('true positive');
    expect(await fact('Coverage')).toBe('0.9553');
    expect(await fact('clDice')).toBe('0.9614 with pred 2 (matched)');
    expect(await fact('Voxels')).toBe('41,350');
    expect(await fact('Skeleton voxels')).toBe('4,116');
    expect(await fact('In the file')).toBe('channel 1, label 2');
    expect(await scene().getAttribute('aria-label')).toContain('selected GT 2 (true positive)');
    // The slices moved onto one of its skeleton voxels: GT 2 is under the axial crosshair.
    const axial = page.getByRole('img', { name: /^Axial slice/ });
    const [col, row] = ((await axial.getAttribute('data-crosshair')) ?? '').split(',').map(Number);
    const z = Number(await page.locator('output[for="fisbe-slice-z"]').textContent().then((text) => text?.replace('z = ', '')));
    await expect.poll(() => axial.getAttribute('data-index'), { timeout: 30_000 }).toBe(String(z));
    await expect.poll(() => scene().getAttribute('data-ready')).toBe('true');
    await page.locator('.fisbe').screenshot({ path: join(RESULTS, 'fisbe-view-selected.png') });

    // A click on that voxel with nothing selected selects GT 2 again (GT first where both overlap).
    await page.keyboard.press('Escape');
    expect(await list().locator('[aria-selected="true"]').count()).toBe(0);
    await clickPixel(axial, col!, row!);
    await expect.poll(selectedName).toBe('GT 2');
  });

  it('is usable from the keyboard: list arrows, J/K, M to the match', async () => {
    await list().focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(selectedName).toBe('GT 3');
    await page.keyboard.press('Home');
    await expect.poll(selectedName).toBe('GT 1');
    await page.keyboard.press('End');
    await expect.poll(selectedName).toBe('pred 9');
    await page.keyboard.press('k');
    await expect.poll(selectedName).toBe('pred 8');
    // Back to GT 2, then M jumps to its matched prediction, whose match is GT 2.
    await option('GT 2').click();
    await page.keyboard.press('m');
    await expect.poll(selectedName).toBe('pred 2');
    expect(await fact('clDice')).toBe('0.9614 with GT 2 (matched)');
    await page.keyboard.press('m');
    await expect.poll(selectedName).toBe('GT 2');
    // The 3D view turns and zooms from the keyboard too.
    await scene().focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('+');
    // G hides the GT in 3D and in the slices.
    await page.keyboard.press('g');
    await expect.poll(() => scene().getAttribute('aria-label')).toContain('predictions as surfaces');
    expect(await page.getByRole('checkbox', { name: 'GT' }).isChecked()).toBe(false);
    await page.keyboard.press('g');
    await expect.poll(() => page.getByRole('checkbox', { name: 'GT' }).isChecked()).toBe(true);
  });

  it('picks an instance by clicking it in 3D', async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('r');
    await expect.poll(() => list().locator('[aria-selected="true"]').count()).toBe(0);
    // Find a true-positive (bluish green) pixel of the rendered scene, nearest the centre.
    const png = (await scene().screenshot()).toString('base64');
    const point = await page.evaluate(async (data) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(image, 0, 0);
      const { data: rgba, width, height } = ctx.getImageData(0, 0, image.width, image.height);
      let best: { x: number; y: number; d: number } | null = null;
      for (let y = 2; y < height - 2; y += 1) {
        for (let x = 2; x < width - 2; x += 1) {
          const i = (y * width + x) * 4;
          const [r, g, b] = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
          if (!(g > 90 && g > r + 50 && b > r + 20)) continue;
          const d = Math.hypot(x - width / 2, y - height / 2);
          if (!best || d < best.d) best = { x, y, d };
        }
      }
      return best && { x: best.x / width, y: best.y / height };
    }, png);
    expect(point).not.toBeNull();
    const box = (await scene().boundingBox())!;
    await page.mouse.click(box.x + point!.x * box.width, box.y + point!.y * box.height);
    await expect.poll(() => list().locator('[aria-selected="true"]').count()).toBe(1);
    // Most likely a true positive (the pixel was one); whichever instance the ray met first, list,
    // details and 3D agree on it.
    const picked = (await selectedName())!;
    const status = (await fact('Status'))!;
    expect(await details().getByRole('heading').textContent()).toContain(picked);
    expect(await scene().getAttribute('aria-label')).toContain(`selected ${picked} (${status})`);
    // A click on empty space clears the selection.
    await page.mouse.click(box.x + 5, box.y + 5);
    await expect.poll(() => list().locator('[aria-selected="true"]').count()).toBe(0);
  });

  it('shows skeletons, and predictions beside the ground truth', async () => {
    await page.getByRole('checkbox', { name: 'Skeletons' }).check();
    await page.getByRole('checkbox', { name: 'Surfaces' }).uncheck();
    await page.getByRole('checkbox', { name: 'Side by side' }).check();
    await expect.poll(() => scene().getAttribute('aria-label')).toBe('3D view of run 1: 7 GT and 9 predicted instances, GT and predictions as skeletons, side by side');
    await page.locator('.fisbe-main').screenshot({ path: join(RESULTS, 'fisbe-view-skeletons.png') });
    await page.keyboard.press('b');
    await page.keyboard.press('s');
    await page.keyboard.press('c');
    await expect.poll(() => scene().getAttribute('aria-label')).toBe('3D view of run 1: 7 GT and 9 predicted instances, GT and predictions as surfaces');
  });

  it('moves a slice with its slider', async () => {
    const slider = page.getByRole('slider', { name: 'Coronal slice y' });
    const coronal = page.getByRole('img', { name: /^Coronal slice/ });
    const before = Number(await slider.inputValue());
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => slider.inputValue()).toBe(String(before + 2));
    await expect.poll(() => coronal.getAttribute('data-index'), { timeout: 30_000 }).toBe(String(before + 2));
    await slider.fill('100');
    await expect.poll(() => coronal.getAttribute('data-index'), { timeout: 30_000 }).toBe('100');
    expect(await page.locator('output[for="fisbe-slice-y"]').textContent()).toBe('y = 100');
    expect(await coronal.getAttribute('aria-label')).toMatch(/^Coronal slice y = 100: columns x, rows z/);
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
