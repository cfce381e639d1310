/**
 * End to end, the clinician's feedback loop: a recording imported by path, neural detection from
 * the Library, a scripted review in the triage panel (events overlapping the true seizures
 * accepted, the others rejected), *Improve detector from my reviews*, its progress and verdict,
 * detection again with the new model — fewer false alarms on the same recording and no accepted
 * seizure lost — and the fine-tune run's before/after tables and bars in Runs. Screenshots:
 * docs/seizure-improve*.png.
 *
 * The recording: with ../shared/data, a 2 h surrogate of real segments (E's builder: Bonn C/D
 * intracranial interictal background, Bonn E seizures, seeded) screened by the default per-channel
 * model the project loads on first use; without it, a synthetic 19-channel recording
 * (test/helpers/seizure-review-edf.ts: spike-and-wave seizures, sharp-transient artefact bursts)
 * screened by a standard model trained in the test on seizures and clean background only.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importByPath, openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { readBonn } from '../../main/io/segments/bonn.js';
import { buildSurrogate, writeSurrogateEdf } from '../../main/pipelines/seizure/surrogate.js';
import { dataFile, hasSharedData, REPO_ROOT } from '../helpers/data.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { writeReviewEdf } from '../helpers/seizure-review-edf.js';

const SURROGATE = hasSharedData();
const FILE = SURROGATE ? 'bonn-surrogate.edf' : 'review.edf';
const DOCS = join(REPO_ROOT, 'docs');
const SYNTHETIC_SEIZURES = [{ onsetS: 120, durationS: 40 }, { onsetS: 420, durationS: 45 }, { onsetS: 700, durationS: 40 }];
const ARTEFACTS = [60, 250, 330, 540, 620, 800].map((onsetS) => ({ onsetS, durationS: 20 }));
/** The recording's true seizures (filled in by `prepare`). */
let SEIZURES: { onsetS: number; durationS: number }[] = [];

if (!hasChromium()) console.warn(`e2e skipped: ${SKIP_NO_CHROMIUM}`);

/** "#3 02:07:00 (0:07:00) · 44 s · 100 %" → onset and duration in seconds. */
function eventBounds(text: string): { onsetS: number; durationS: number } {
  const match = /\((\d+):(\d\d):(\d\d)\) · (\d+(?:\.\d)?) s/.exec(text);
  if (!match) throw new Error(`no event bounds in "${text}"`);
  return { onsetS: Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]), durationS: Number(match[4]) };
}

const overlapsSeizure = ({ onsetS, durationS }: { onsetS: number; durationS: number }) => SEIZURES.some((s) => onsetS < s.onsetS + s.durationS && onsetS + durationS > s.onsetS);

describe.skipIf(!hasChromium())('Improve detector from my reviews, in Chromium', () => {
  let session: AppSession;
  let page: Page;
  let reviewPath: string;
  let falseAlarmsBefore = 0;

  const progress = () => page.locator('.triage-progress[role="status"]');
  const eventItems = () => page.getByRole('list', { name: 'Detected events' }).getByRole('listitem');
  const improveButton = () => page.getByRole('button', { name: 'Improve detector from my reviews' });
  const shownEvents = async () => (await eventItems().allTextContents()).map(eventBounds);

  beforeAll(async () => {
    session = await openAppSession({
      viewport: { width: 1600, height: 1000 },
      prepare: (project, dir) => {
        reviewPath = join(dir, FILE);
        if (SURROGATE) {
          // No model in the project: the neural detector loads the shipped default on first use.
          const surrogate = buildSurrogate(readBonn(dataFile('eeg', 'bonn_andrzejak2001')), { durationS: 7200, seed: 5, gapS: [300, 900] });
          writeSurrogateEdf(reviewPath, surrogate);
          SEIZURES = surrogate.seizures.map((s) => ({ onsetS: s.onsetS, durationS: s.offsetS - s.onsetS }));
          return;
        }
        SEIZURES = SYNTHETIC_SEIZURES;
        // The base model: trained on seizures and clean background only, so artefacts are new to it.
        const train = join(dir, 'train.edf');
        writeSeizureEdf(train, 600, [{ onsetS: 100, durationS: 40 }, { onsetS: 300, durationS: 50 }, { onsetS: 480, durationS: 40 }]);
        writeFileSync(join(dir, 'train_events.tsv'), 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n100\t40\tsz\tn/a\tn/a\tn/a\t600\n300\t50\tsz\tn/a\tn/a\tn/a\t600\n480\t40\tsz\tn/a\tn/a\tn/a\t600\n');
        execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), 'seizure', 'train', train, '--project', project, '--max-epochs', '12', '--seed', '3', '--backend', 'wasm', '--name', 'base detector'], { stdio: 'ignore' });
        writeReviewEdf(reviewPath, 900, { seizures: SEIZURES, artefacts: ARTEFACTS });
      },
    });
    page = session.page;
    mkdirSync(DOCS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await session?.close();
  });

  it('detects with the neural model: it finds the seizures and raises false alarms', async () => {
    await page.goto(session.served.url);
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await importByPath(page, reviewPath);
    await page.getByRole('button', { name: `Detect seizures (neural) on ${FILE}`, exact: true }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    // (The synthetic project also lists its training run.)
    await expect.poll(() => page.locator('td.status-succeeded').count(), { timeout: 120_000 }).toBe(SURROGATE ? 1 : 2);
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: `Review ${FILE}`, exact: true }).click();
    await page.getByRole('heading', { name: 'Seizure triage' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => progress().textContent(), { timeout: 30_000 }).toMatch(/^0 of \d+ reviewed/);
    const events = await shownEvents();
    falseAlarmsBefore = events.filter((e) => !overlapsSeizure(e)).length;
    expect(falseAlarmsBefore).toBeGreaterThan(0);
    for (const s of SEIZURES) expect(events.some((e) => overlapsSeizure(e) && e.onsetS < s.onsetS + s.durationS && e.onsetS + e.durationS > s.onsetS)).toBe(true);
  }, 180_000);

  it('offers Improve only once there is an accepted and a rejected event, and says why before', async () => {
    expect(await improveButton().isDisabled()).toBe(true);
    expect(await improveButton().getAttribute('title')).toMatch(/^Needs at least one accepted and one rejected event \(now 0 accepted, 0 rejected\)/);
    expect(await page.locator('.triage-improve-hint').textContent()).toContain('Needs at least one accepted and one rejected event');
  });

  it('reviews every event as a clinician would: accepts the seizures, rejects the artefacts', async () => {
    const events = await shownEvents();
    for (let i = 0; i < events.length; i++) {
      await eventItems().nth(i).getByRole('button').click();
      const status = overlapsSeizure(events[i]!) ? 'Accept event' : 'Reject event';
      await page.getByRole('button', { name: status, exact: true }).click();
      await expect.poll(() => progress().textContent()).toMatch(new RegExp(`^${i + 1} of ${events.length} reviewed`));
    }
    const accepted = events.length - falseAlarmsBefore;
    expect(await progress().textContent()).toBe(`${events.length} of ${events.length} reviewed (${accepted} accepted, ${falseAlarmsBefore} rejected)`);
    expect(await improveButton().isEnabled()).toBe(true);
  });

  it('improves the detector as a run, shows its progress and verdict, and keeps the previous model', async () => {
    await improveButton().click();
    const result = page.locator('.triage-improve-result');
    await expect.poll(() => result.textContent(), { timeout: 180_000 }).toMatch(/^Fine-tune run #\d+: model #\d+ from #\d+ — fewer false alarms\./);
    const text = (await result.textContent()) ?? '';
    const [, before, after] = /False alarms per 24 h on the reviewed recording: ([\d.]+) before, ([\d.]+) after/.exec(text) ?? [];
    expect(Number(after)).toBeLessThan(Number(before));
    await page.locator('.triage').screenshot({ path: join(DOCS, 'seizure-improve.png') });
  }, 240_000);

  it('detects again with the new model: fewer false alarms on the same recording, every accepted seizure still found', async () => {
    const redetect = page.getByRole('button', { name: /^Re-detect with model #\d+$/ });
    await redetect.click();
    // The new detection becomes the panel's latest run.
    await expect.poll(() => page.getByLabel('Detection run').locator('option').count(), { timeout: 120_000 }).toBe(2);
    await expect.poll(() => progress().textContent(), { timeout: 30_000 }).toMatch(/^0 of \d+ reviewed/);
    const events = await shownEvents();
    const falseAlarmsAfter = events.filter((e) => !overlapsSeizure(e)).length;
    expect(falseAlarmsAfter).toBeLessThan(falseAlarmsBefore);
    for (const s of SEIZURES) expect(events.some((e) => e.onsetS < s.onsetS + s.durationS && e.onsetS + e.durationS > s.onsetS)).toBe(true);
    await page.locator('.eeg-review').screenshot({ path: join(DOCS, 'seizure-improve-redetect.png') });
  }, 180_000);

  it('shows the fine-tune run in Runs as before/after tables and bars, not JSON', async () => {
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    const row = page.locator('tr', { hasText: 'seizure-neural-finetune' });
    await row.getByRole('button', { name: /^Show run \d+$/ }).click();
    const details = page.getByRole('region', { name: /^Run \d+ details$/ });
    const table = details.getByRole('table', { name: 'Before and after on the reviewed recording(s), all decisions' });
    await table.waitFor({ timeout: 30_000 });
    expect(await table.getByRole('row', { name: /^Accepted seizures found/ }).textContent()).toMatch(/Accepted seizures found(\d+) of \1\1 of \1$/);
    expect(await details.getByRole('img', { name: /^False alarms per 24 h: [\d.]+ before, [\d.]+ after$/ }).count()).toBe(1);
    expect(await details.getByRole('table', { name: 'Held-out decisions (not trained on)' }).count()).toBe(1);
    expect(await details.textContent()).toContain('Verdict: fewer false alarms.');
    expect(await details.textContent()).not.toMatch(/\{"/);
    // Tall enough for the whole summary (loss curve included) without the status bar over it.
    await page.setViewportSize({ width: 1600, height: 1900 });
    await details.getByRole('img', { name: /^Fine-tune loss/ }).waitFor();
    await details.screenshot({ path: join(DOCS, 'seizure-improve-run.png') });
    expect(session.consoleErrors).toEqual([]);
  });
});
