/**
 * End to end, as a neuroscientist looking for functional connectomes: `cajal serve` on a fresh
 * project, the UI in Debian's Chromium (WebGL through SwiftShader), the two C. elegans whole-brain
 * recordings of Dag et al. 2023 imported in the Library, an NTF run started from the Connectome view
 * with small settings (ranks 2–4, 2 restarts), then the view: one component per suggested rank, the
 * time course and affinity heat map drawn, one 3D node per neuron, the edge threshold, a hovered
 * node's NeuroPAL name, another component's communities, and the nested SBM's hierarchy (level slider,
 * block tree). Screenshots: test-results/ntf-view.png, ntf-view-component2.png, ntf-hierarchy.png and
 * ntf-hierarchy-coarser.png (copied by hand to docs/ for the README).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import type { Served } from '../helpers/serve.js';

const FOLDER = ['calcium', 'celegans_flavell_dag2023'] as const;
const ANIMALS = ['2022-07-26-31-data.h5', '2022-07-27-31-data.h5'].map((name) => dataFile(...FOLDER, name));
const RESULTS = join(REPO_ROOT, 'test-results');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

/** Every NeuroPAL label of the two animals (the names the importer gives their neurons), with and without a trailing "?". */
function neuropalLabels(): Set<string> {
  const folder = dataFile(...FOLDER, 'neuropal_labels_csv');
  const labels = new Set<string>();
  for (const file of readdirSync(folder).filter((name) => /^2022-07-2[67]-31_/.test(name))) {
    const [header, ...rows] = readFileSync(join(folder, file), 'utf8').trim().split(/\r?\n/);
    const column = header!.split(',').indexOf('label');
    for (const row of rows) {
      const label = row.split(',')[column]!.trim();
      labels.add(label);
      labels.add(label.replace(/\?+$/, ''));
    }
  }
  return labels;
}

describe.skipIf(skipReason !== null)('NTF connectome view in Chromium', () => {
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const components = () => page.getByRole('listbox', { name: 'Components' });
  const scene = () => page.locator('.connectome-scene');
  const panel = () => page.getByRole('region', { name: 'Component' });
  const edges = async () => Number(await scene().getAttribute('data-edges'));
  const sceneReady = () => expect.poll(() => scene().getAttribute('data-ready'), { timeout: 60_000, interval: 250 }).toBe('true');

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 900 } });
    ({ served, page, consoleErrors } = session);
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('imports the two C. elegans recordings in the Library', async () => {
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    for (const file of ANIMALS) await importByPath(page, file);
  });

  it('starts an NTF run from the Connectome view and opens it when done', async () => {
    await page.keyboard.press('Alt+6');
    await page.getByRole('heading', { name: 'Connectome', exact: true }).waitFor();
    await expect.poll(() => page.locator('.ntf .empty').first().textContent()).toContain('No NTF run in this project yet');
    // With no run yet the form is open, both calcium recordings listed and chosen.
    const form = page.getByRole('form', { name: 'New NTF run' });
    await form.waitFor();
    for (const file of ['2022-07-26-31-data.h5', '2022-07-27-31-data.h5']) {
      const box = form.getByRole('checkbox', { name: new RegExp(file.replace(/\./g, '\\.')) });
      expect(await box.isChecked()).toBe(true);
    }
    await form.getByLabel('Smallest rank').fill('2');
    await form.getByLabel('Largest rank').fill('4');
    await form.getByLabel('Restarts per rank').fill('2');
    await form.getByRole('button', { name: 'Start NTF run' }).click();
    await form.getByRole('progressbar').waitFor({ timeout: 30_000 }).catch(() => undefined);
    await expect
      .poll(() => page.getByLabel('NTF run').locator('option').allTextContents(), { timeout: 540_000, interval: 2000 })
      .toEqual([expect.stringMatching(/^#\d+ 2 animals, \d+ neurons, rank [234], \d{4}-\d\d-\d\d \d\d:\d\d$/)]);
    expect(consoleErrors).toEqual([]);
  }, 600_000);

  it('lists one component per suggested rank and says why that rank', async () => {
    const sweep = page.getByRole('img', { name: /^Rank sweep, ranks 2 to 4/ });
    await sweep.waitFor({ timeout: 30_000 });
    const suggested = Number(await sweep.getAttribute('data-suggested'));
    expect(suggested).toBeGreaterThanOrEqual(2);
    expect(suggested).toBeLessThanOrEqual(4);
    expect(await sweep.getAttribute('data-ranks')).toBe('3');
    expect(await page.getByRole('heading', { name: `Rank ${suggested} (suggested)` }).count()).toBe(1);
    expect(await components().getByRole('option').count()).toBe(suggested);
    expect(await components().getByRole('option', { selected: true }).textContent()).toMatch(/^Component 1λ/);
    expect(await page.locator('.ntf-reasons li').count()).toBeGreaterThan(0);
    expect(await page.getByLabel('NTF run').locator('option').first().textContent()).toContain(`rank ${suggested},`);
  });

  it('draws the time course, the animal weights and the affinity heat map', async () => {
    const course = panel().getByRole('img', { name: /^Time course of Component 1: \d+ bins over/ });
    const bins = Number(await course.getAttribute('data-points'));
    // 800 frames in bins of 10 (the pipeline's default).
    expect(bins).toBeGreaterThan(10);
    // The frame rate is known (timestamps in the files): the axis is in seconds.
    expect(await course.getAttribute('data-unit')).toBe('s');
    expect((await course.locator('path.ntf-line').getAttribute('d'))!.split('L').length).toBe(bins);
    expect(await panel().getByRole('img', { name: /^Animal weights of Component 1: 2022-07-26-31 [\d.e-]+, 2022-07-27-31 [\d.e-]+$/ }).getAttribute('data-bars')).toBe('2');
    const heatmap = panel().getByRole('img', { name: /^Affinity matrix of Component 1/ });
    await expect.poll(() => heatmap.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    // The drawn pixels vary (a real matrix, not a blank canvas).
    const colours = await heatmap.evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(20);
    const sbm = Number(await panel().locator('td[data-method="sbm"]').textContent());
    expect(Number(await heatmap.getAttribute('data-blocks'))).toBeGreaterThanOrEqual(sbm);
    expect(Number(await panel().locator('td[data-method="louvain"]').textContent())).toBeGreaterThan(0);
  });

  it('draws one 3D node per neuron with a legend of community counts', async () => {
    await sceneReady();
    const neurons = Number(await panel().getByRole('img', { name: /^Affinity matrix/ }).getAttribute('data-neurons'));
    expect(neurons).toBeGreaterThan(20);
    expect(Number(await scene().getAttribute('data-nodes'))).toBe(neurons);
    expect(await page.locator('.ntf-facts').textContent()).toContain(`${neurons} neurons`);
    expect((await scene().getAttribute('data-node-groups'))!.split(',')).toHaveLength(neurons);
    const legend = page.locator('.connectome-legend');
    expect(await legend.locator('.connectome-legend-title').textContent()).toMatch(/^Communities: \d+$/);
    expect(await legend.textContent()).toMatch(/SBM \d+( \(level \d+ of \d+\))? · Louvain baseline \d+/);
    // Every neuron is in one community of the legend.
    const counts = (await legend.locator('li').allTextContents()).map((text) => Number(/\((\d+)\)$/.exec(text)![1]));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(neurons);
    await page.screenshot({ path: join(RESULTS, 'ntf-view.png') });
  });

  it('changes the drawn edges with the threshold slider', async () => {
    const slider = page.getByRole('slider', { name: 'Edge threshold' });
    const before = await edges();
    expect(before).toBeGreaterThan(0);
    await slider.fill('30');
    await expect.poll(edges).toBeGreaterThan(before);
    expect(await page.locator('.connectome-threshold-value').textContent()).toMatch(new RegExp(`^top 30 %: ${(await edges()).toLocaleString('en-US')} of `));
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(edges).toBe(0);
    // By value: the same edges stay drawn when the rule switches.
    await slider.fill('10');
    await expect.poll(edges).toBe(before);
    await page.getByLabel('Threshold rule').selectOption('value');
    await sceneReady();
    expect(await edges()).toBe(before);
    await page.getByLabel('Threshold rule').selectOption('percentile');
    await sceneReady();
  });

  it("shows a node's NeuroPAL name, community and degree on hover", async () => {
    await sceneReady();
    const box = (await scene().boundingBox())!;
    const labels = neuropalLabels();
    let hovered = '';
    // Spiral out from the centre until the pointer is over a node.
    for (let radius = 0; radius < Math.min(box.width, box.height) / 2 && !hovered; radius += 6) {
      for (let angle = 0; angle < 360 && !hovered; angle += radius === 0 ? 360 : Math.max(8, 360 / ((2 * Math.PI * radius) / 8))) {
        await page.mouse.move(box.x + box.width / 2 + radius * Math.cos((angle * Math.PI) / 180), box.y + box.height / 2 + radius * Math.sin((angle * Math.PI) / 180));
        hovered = (await scene().getAttribute('data-hovered')) ?? '';
      }
    }
    expect(hovered).not.toBe('');
    expect(labels.has(hovered)).toBe(true);
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    expect(await tooltip.locator('strong').textContent()).toBe(hovered);
    expect(await tooltip.textContent()).toMatch(/community \d+weighted degree [\d.e-]+$/);
    await page.mouse.move(box.x - 20, box.y + 10);
    await expect.poll(() => tooltip.count()).toBe(0);
  });

  it('re-colours the nodes by the communities of another component', async () => {
    const first = await scene().getAttribute('data-node-groups');
    const firstLegend = await page.locator('.connectome-legend').textContent();
    await components().getByRole('option').nth(1).click();
    await expect.poll(() => panel().getByRole('heading', { level: 2 }).textContent()).toMatch(/^Component 2 of /);
    await expect.poll(() => scene().getAttribute('data-node-groups')).not.toBe(first);
    await sceneReady();
    expect(await scene().getAttribute('aria-label')).toMatch(/^Component 2 of NTF run \d+: /);
    expect(await page.locator('.connectome-legend').textContent()).not.toBe(firstLegend);
    await expect.poll(() => panel().getByRole('img', { name: /^Affinity matrix of Component 2/ }).getAttribute('data-ready')).toBe('true');
    await page.screenshot({ path: join(RESULTS, 'ntf-view-component2.png') });
    // ← goes back from anywhere in the view but fields and the 3D view.
    await page.locator('.ntf-facts').click();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => components().getByRole('option', { selected: true }).textContent()).toMatch(/^Component 1λ/);
    await expect.poll(() => scene().getAttribute('data-node-groups')).toBe(first);
  });

  it("moves through the nested SBM's hierarchy with the level slider and the block tree", async () => {
    await expect.poll(() => components().getByRole('option', { selected: true }).textContent()).toMatch(/^Component 1λ/);
    await sceneReady();
    const tree = panel().getByRole('img', { name: /^Block tree: level 0 \d+ blocks?/ });
    await tree.waitFor({ timeout: 30_000 });
    await tree.scrollIntoViewIfNeeded();
    const levels = Number(await tree.getAttribute('data-levels'));
    expect(levels).toBeGreaterThanOrEqual(2);
    // Blocks per level, from the tree's label: coarser levels never have more blocks.
    const counts = [...(await tree.getAttribute('aria-label'))!.matchAll(/level \d+ (\d+) blocks?/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(levels);
    for (let l = 1; l < levels; l++) expect(counts[l]).toBeLessThanOrEqual(counts[l - 1]!);
    const slider = panel().getByRole('slider', { name: 'Hierarchy level' });
    const shown = Number(await slider.inputValue());
    const legendTitle = () => page.locator('.connectome-legend .connectome-legend-title').textContent();
    expect(await legendTitle()).toBe(`Communities: ${counts[shown]}`);
    expect(Number(await panel().locator('td[data-method="sbm"]').textContent())).toBe(counts[shown]);
    // Every block of the shown level is drawn once in the tree, in the community colours.
    expect(await tree.locator('.ntf-tree-shown .ntf-tree-block').count()).toBeGreaterThanOrEqual(counts[shown]!);
    await page.screenshot({ path: join(RESULTS, 'ntf-hierarchy.png') });
    // A coarser level: fewer (or as many) communities in the legend, the 3D colours and the table.
    const coarser = Math.min(levels - 1, shown + 1);
    const groupsBefore = await scene().getAttribute('data-node-groups');
    await slider.fill(String(coarser));
    await expect.poll(legendTitle).toBe(`Communities: ${counts[coarser]}`);
    expect(await tree.getAttribute('data-level')).toBe(String(coarser));
    expect(Number(await panel().locator('td[data-method="sbm"]').textContent())).toBe(counts[coarser]);
    if (counts[coarser] !== counts[shown]) await expect.poll(() => scene().getAttribute('data-node-groups')).not.toBe(groupsBefore);
    await page.screenshot({ path: join(RESULTS, 'ntf-hierarchy-coarser.png') });
    // Clicking a row of the tree picks its level.
    await tree.locator('g[data-level="0"] .ntf-tree-label').click({ force: true });
    await expect.poll(() => slider.inputValue()).toBe('0');
    await expect.poll(legendTitle).toBe(`Communities: ${counts[0]}`);
    await slider.fill(String(shown));
    await expect.poll(legendTitle).toBe(`Communities: ${counts[shown]}`);
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
