/**
 * End to end: switching projects from the UI (Settings › Project) through the bridge — New, the
 * recent list, Open — with the window starting afresh on each, and a refused Open leaving the user
 * where they were.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppSession, type AppSession } from '../helpers/app-session.js';
import { hasChromium, SKIP_NO_CHROMIUM } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/data.js';
import { writeSineEdf } from '../helpers/edf.js';

const RESULTS = join(REPO_ROOT, 'test-results');
const skipReason = !hasChromium() ? SKIP_NO_CHROMIUM : null;
if (skipReason) console.warn(`e2e skipped: ${skipReason}`);

describe.skipIf(skipReason !== null)('switching projects in the UI', () => {
  let session: AppSession;
  let page: Page;

  beforeAll(async () => {
    session = await openAppSession();
    page = session.page;
  });
  afterAll(async () => {
    await session?.close();
  });

  const openSettings = async () => {
    await page.keyboard.press('Alt+3');
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
  };

  it('creates a new project by path and starts afresh on it', async () => {
    await page.goto(session.served.url);
    const edf = writeSineEdf(join(session.dir, 'first.edf'), { channels: 2, sampleRateHz: 128, durationS: 4 });
    await page.getByLabel('Path to a file on this machine').fill(edf);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('tr', { hasText: 'first.edf' }).waitFor();

    await openSettings();
    expect(await page.locator('.project-panel').textContent()).toContain(session.project);
    const second = join(session.dir, 'second.cajal');
    await page.getByLabel('Project file').fill(second);
    await page.getByRole('button', { name: 'New' }).click();
    // The window reloads on the new project, in the Library, with no recordings.
    await page.getByRole('heading', { name: 'Library' }).waitFor();
    await expect.poll(() => page.locator('.status-bar').textContent(), { timeout: 20_000 }).toContain('second.cajal');
    expect(await page.locator('tr', { hasText: 'first.edf' }).count()).toBe(0);
  });

  it('lists the first project as recent and opens it again', async () => {
    await openSettings();
    const recent = page.getByRole('list', { name: 'Recent projects' });
    await expect.poll(() => recent.textContent()).toContain(session.project);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'settings-project.png') });
    await recent.getByRole('button', { name: 'Open' }).first().click();
    await page.locator('tr', { hasText: 'first.edf' }).waitFor();
    await expect.poll(() => page.locator('.status-bar').textContent()).toContain('e2e.cajal');
  });

  it('refuses to open a file that is not a project, and stays on the open one', async () => {
    await openSettings();
    const notAProject = join(session.dir, 'first.edf');
    await page.getByLabel('Project file').fill(notAProject);
    await page.getByRole('button', { name: 'Open', exact: true }).first().click();
    await expect.poll(() => page.locator('.project-panel').textContent()).toContain(`${notAProject}: not a Cajal project file`);
    expect(await page.locator('.status-bar').textContent()).toContain('e2e.cajal');
  });

  it('raised no console errors', () => {
    expect(session.consoleErrors).toEqual([]);
  });
});
