/**
 * A training run as a user meets it in Runs: `cajal seizure train --project` on a synthetic EDF with
 * an annotated seizure (two epochs on the cpu backend), then the served UI shows the run with its
 * loss curve beside its parameters and log. Screenshot: test-results/training-run.png.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/data.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';

const RESULTS = join(REPO_ROOT, 'test-results');

describe.skipIf(!hasChromium())('a training run in the Runs view', () => {
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await openAppSession({
      viewport: { width: 1280, height: 900 },
      prepare: (project, dir) => {
        const edf = join(dir, 'train.edf');
        writeSeizureEdf(edf, 150, [{ onsetS: 60, durationS: 40 }]);
        // The seizure's SzCORE events file beside the recording, as clinicians' exports come.
        writeFileSync(join(dir, 'train_events.tsv'), 'onset\tduration\teventType\tconfidence\tchannels\tdateTime\trecordingDuration\n60\t40\tsz\tn/a\tn/a\tn/a\t150\n');
        const cli = [join(REPO_ROOT, 'bin', 'cajal.js'), 'seizure', 'train', edf, '--project', project, '--max-epochs', '2', '--backend', 'cpu', '--name', 'e2e'];
        execFileSync(process.execPath, cli, { stdio: 'ignore' });
      },
    });
    page = session.page;
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows the training run with its loss curve, parameters and per-epoch log', async () => {
    await page.goto(session.served.url);
    // The view keys work once the app has mounted: wait for its first view before pressing one.
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByRole('button', { name: 'Show run 1' }).click();
    const details = page.getByRole('region', { name: 'Run 1 details' });
    await details.getByRole('heading', { name: /Run 1: seizure-neural-train/ }).waitFor();
    const curve = details.getByRole('img', { name: /^Loss curve: .*over 2 epochs$/ });
    await curve.waitFor();
    // One path per series (train and validation loss), each with a point per epoch (M then L).
    const lines = curve.locator('path');
    expect(await lines.count()).toBeGreaterThanOrEqual(1);
    for (const d of await lines.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('d') ?? ''))) {
      expect(d.match(/[ML]/g)).toEqual(['M', 'L']);
    }
    expect(await details.getByRole('list', { name: 'Log of run 1' }).textContent()).toMatch(/epoch 2\/2: loss/);
    await page.screenshot({ path: join(RESULTS, 'training-run.png'), fullPage: true });
    expect(session.consoleErrors).toEqual([]);
  });
});
