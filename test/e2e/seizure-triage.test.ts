/**
 * End to end, as a clinician triaging the seizure detector's output: `cajal serve` on a fresh
 * project, the UI in Debian's Chromium, the Ombao seizure EDF+ imported by path, the classical
 * detection started from the Library, then the triage panel inside Review: the detected event
 * (onset 0:03:01), a jump to it, its onset moved 1 s earlier with `[`, accepted with `Y`, "1 of 1
 * reviewed" still there after a reload, the SzCORE TSV export checked on disk, the printable report,
 * and a screenshot (test-results/seizure-triage.png) as the artifact.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/main.js';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { dataFile, hasSharedData, REPO_ROOT, SKIP_NO_DATA } from '../helpers/data.js';
import type { Served } from '../helpers/serve.js';
import { tempDir } from '../helpers/tmp.js';

const FILE = 'ombao_seizure_8ch_100Hz_EDFplus_DERIVED.edf';
const EDF = dataFile('eeg', 'derived', FILE);
const SCREENSHOT = join(REPO_ROOT, 'test-results', 'seizure-triage.png');

const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : !hasSharedData() ? SKIP_NO_DATA : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('seizure triage in Chromium', () => {
  const tmp = tempDir();
  let served: Served;
  let session: AppSession;
  let page: Page;
  let consoleErrors: string[] = [];

  const traces = () => page.getByRole('img', { name: /^EEG traces/ });
  const progress = () => page.locator('.triage-progress[role="status"]');
  const events = () => page.getByRole('list', { name: 'Detected events' });
  const openReview = async () => {
    await page.getByRole('button', { name: `Review ${FILE}`, exact: true }).click();
    await page.getByRole('heading', { name: 'Review', exact: true }).waitFor();
    await expect.poll(() => traces().getAttribute('aria-label'), { timeout: 20_000 }).toMatch(/^EEG traces, 8 channels/);
    await page.getByRole('heading', { name: 'Seizure triage' }).waitFor({ timeout: 20_000 });
  };

  beforeAll(async () => {
    session = await openAppSession({ viewport: { width: 1920, height: 1080 } });
    ({ served, page, consoleErrors } = session);
  });

  afterAll(async () => {
    await session?.close();
    tmp.cleanup();
  });

  it('imports the recording and runs the classical detector from the Library', async () => {
    await page.goto(served.url);
    await importByPath(page, EDF);
    // No detection yet: Review shows no triage panel.
    await page.getByRole('button', { name: `Review ${FILE}`, exact: true }).click();
    await expect.poll(() => traces().getAttribute('aria-label'), { timeout: 20_000 }).toMatch(/^EEG traces, 8 channels/);
    expect(await page.getByRole('heading', { name: 'Seizure triage' }).count()).toBe(0);

    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: `Detect seizures (classical) on ${FILE}`, exact: true }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await expect.poll(() => page.locator('td.status-succeeded').count(), { timeout: 60_000 }).toBe(1);
  });

  it('lists the detected event beside the traces, with the probability strip in the overview', async () => {
    await page.keyboard.press('Alt+1');
    await openReview();
    await expect.poll(() => progress().textContent()).toBe('0 of 1 reviewed (0 accepted, 0 rejected)');
    expect(await page.getByLabel('Detection run').locator('option').allTextContents()).toEqual([expect.stringMatching(/^#1 classical, .* \(1 events\)$/)]);
    const item = events().getByRole('listitem');
    expect(await item.count()).toBe(1);
    // Recording starts 1985-01-01 00:00:00: onset 181 s is 00:03:01 and offset 0:03:01; 145 s, 96 %.
    const text = await item.textContent();
    expect(text).toContain('#1 00:03:01 (0:03:01) · 145 s · 96 %');
    expect(text).toContain('C4 T8 P4 T7');
    expect(text).toContain('unreviewed');
    await expect
      .poll(() => page.getByRole('img', { name: /^Overview of the whole recording/ }).getAttribute('aria-label'), { timeout: 30_000 })
      .toContain('compressed spectral array 0.5–30 Hz, 2 annotations, seizure probability of run 1 with threshold 0.5 and 1 detected event(s)');
    expect(await page.locator('#eeg-key-help').textContent()).toContain('J/K: next/previous event');
  });

  it('jumps to the event, moves its onset with [ and accepts it with Y', async () => {
    await page.getByRole('group', { name: 'Trace area' }).focus();
    await page.keyboard.press('j');
    // A 10 s page starts 3 s before the onset: 178 s = 00:02:58; the event is shaded on the traces.
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('00:02:58');
    await expect.poll(() => traces().getAttribute('aria-label')).toBe(
      'EEG traces, 8 channels, 0:02:58–0:03:08, referential, seizure event 1 (unreviewed, selected) 0:03:01–0:05:26',
    );
    expect(await events().getByRole('button').getAttribute('aria-current')).toBe('true');

    await page.keyboard.press('[');
    await expect.poll(() => page.locator('.triage-selected').textContent()).toBe(
      'Event 1: 00:03:00–00:05:26 (0:03:00–0:05:26, 146 s) · adjusted, not saved: Y accepts with these bounds',
    );
    expect(await traces().getAttribute('aria-label')).toContain('seizure event 1 (adjusted, selected) 0:03:00–0:05:26');
    expect(await events().textContent()).toContain('adjusted (unsaved) from 0:03:01, 145 s');
    // The onset is still on the page: the page did not move.
    expect(await page.getByLabel('Page start').textContent()).toContain('00:02:58');
    // The end of the recording bounds the event: } cannot move the end past 0:05:26, but it shows
    // the end (the last page, 0:05:16–0:05:26).
    await page.keyboard.press('}');
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('00:05:16');
    expect(await page.locator('.triage-selected').textContent()).toContain('0:03:00–0:05:26, 146 s');

    await page.keyboard.press('y');
    await expect.poll(() => progress().textContent()).toBe('1 of 1 reviewed (1 accepted, 0 rejected)');
    const item = events().getByRole('listitem');
    expect(await item.textContent()).toContain('#1 00:03:00 (0:03:00) · 146 s');
    expect(await item.textContent()).toMatch(/accepted by \S+, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · adjusted from 0:03:01, 145 s/);
    expect(await page.getByRole('button', { name: 'Accept event' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Reject event' }).isEnabled()).toBe(true);
    // The decision is an annotation with its author and time.
    await expect.poll(() => page.getByRole('list', { name: 'Annotations' }).textContent()).toContain('seizure accepted (run 1, event 0)');
    await expect.poll(() => traces().getAttribute('aria-label')).toContain('seizure event 1 (accepted, selected) 0:03:00–0:05:26');
    // Other viewer keys still work beside the triage keys.
    await page.keyboard.press('PageUp');
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('00:05:06');
    await page.keyboard.press('k');
    await expect.poll(() => page.getByLabel('Page start').textContent()).toContain('00:02:57');

    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    await page.locator('.eeg-review').screenshot({ path: SCREENSHOT });
  });

  it('still shows the decision after a reload (it lives in the project file)', async () => {
    await page.reload();
    // The reload comes back to Review (the view is in the address); go to the Library from there.
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    await page.keyboard.press('Alt+1');
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.locator('tr', { hasText: FILE }).waitFor();
    await openReview();
    await expect.poll(() => progress().textContent()).toBe('1 of 1 reviewed (1 accepted, 0 rejected)');
    const text = await events().getByRole('listitem').textContent();
    expect(text).toContain('#1 00:03:00 (0:03:00) · 146 s');
    expect(text).toContain('accepted by');
    // A later decision supersedes the earlier one (both stay in the project as annotations); the
    // adjusted bounds carry over.
    expect(await page.getByRole('button', { name: 'Reject event' }).isDisabled()).toBe(true);
    await page.getByRole('group', { name: 'Trace area' }).focus();
    await page.keyboard.press('j');
    await page.getByRole('button', { name: 'Reject event' }).click();
    await expect.poll(() => progress().textContent()).toBe('1 of 1 reviewed (0 accepted, 1 rejected)');
    expect(await events().textContent()).toContain('rejected by');
    await page.getByRole('button', { name: 'Accept event' }).click();
    await expect.poll(() => progress().textContent()).toBe('1 of 1 reviewed (1 accepted, 0 rejected)');
    expect(await events().textContent()).toContain('#1 00:03:00 (0:03:00) · 146 s');
  });

  it('exports the accepted event as SzCORE TSV and BIDS events.tsv', async () => {
    const tsv = join(tmp.dir, 'sub-01_run-01_szcore.tsv');
    await page.getByLabel('Export accepted events to path').fill(tsv);
    await page.getByRole('button', { name: 'Export accepted as SzCORE TSV' }).click();
    await expect.poll(() => page.locator('.triage-export-done').textContent()).toBe(`Wrote 1 accepted event(s) to ${tsv}`);
    const rows = readFileSync(tsv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration');
    expect(rows).toHaveLength(2);
    expect(rows[1]!.split('\t').slice(0, 3)).toEqual(['180.00', '146.00', 'sz']);
    // The scorer reads the export back: against the recording's annotated seizure, one hit.
    const reference = join(tmp.dir, 'reference.tsv');
    writeFileSync(reference, 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n163.39\t162.61\tsz\tn/a\tn/a\tn/a\t326.00\n');
    const scored: string[] = [];
    expect(await runCli(['seizure', 'score', reference, tsv], { out: (line) => scored.push(line), err: (line) => scored.push(line) })).toBe(0);
    expect(scored.join('\n')).toMatch(/^TP \/ FP \/ ref\s+1 \/ 0 \/ 1/m);

    const bids = join(tmp.dir, 'sub-01_task-eeg_events.tsv');
    await page.getByLabel('Export accepted events to path').fill(bids);
    await page.getByRole('button', { name: 'Export accepted as BIDS events.tsv' }).click();
    await expect.poll(() => page.locator('.triage-export-done').textContent()).toBe(`Wrote 1 accepted event(s) to ${bids}`);
    const bidsRows = readFileSync(bids, 'utf8').trim().split('\n');
    expect(bidsRows[0]).toMatch(/^onset\tduration\t/);
    expect(bidsRows[1]).toMatch(/^180(\.0+)?\t146(\.0+)?\t/);
    expect(bidsRows[1]).toContain('sz');
  });

  it('opens the printable review report and asks to print it', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { printCalls: number; print: () => void };
      w.printCalls = 0;
      w.print = () => {
        w.printCalls += 1;
      };
    });
    await page.getByRole('button', { name: 'Print review report' }).click();
    const report = page.getByRole('dialog', { name: 'Seizure detection review report' });
    await report.waitFor();
    await expect.poll(() => page.evaluate(() => (window as unknown as { printCalls: number }).printCalls)).toBe(1);
    const text = (await report.textContent()) ?? '';
    expect(text).toContain(FILE);
    expect(text).toContain('1985-01-01 00:00:00');
    expect(text).toContain('0:05:26 (326 s)');
    expect(text).toContain('#1 seizure-classical');
    expect(text).toContain('on 0.5, off 0.35');
    expect(text).toContain('minEventS = 10');
    const stats = await report.getByLabel('Review statistics').textContent();
    expect(stats).toMatch(/^Detected events1Accepted1Rejected0Unreviewed0Reviewer\S+Reviewed\d{4}-/);
    const row = report.getByRole('row').nth(1);
    expect(await row.textContent()).toContain('100:03:000:03:00 (180 s)00:05:26146 s0.96C4 T8 P4 T7adjusted (detected 0:03:01, 145 s)');
    // Only the report prints: the app is hidden by the print style sheet.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#root').isVisible()).toBe(false);
    expect(await report.isVisible()).toBe(true);
    expect(await report.getByRole('button', { name: 'Close report' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await page.locator('.triage-report-dialog').screenshot({ path: join(REPO_ROOT, 'test-results', 'seizure-triage-report.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => report.count()).toBe(0);
  });

  it('raised no console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });
});
