/**
 * One end-to-end session: a fresh project, `cajal serve` on it, and a Chromium page that records
 * console errors and page errors (CSP violations included) for the test to assert on.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { REPO_ROOT } from './data.js';
import { startServe, type Served } from './serve.js';
import { tempDir } from './tmp.js';

export interface AppSession {
  project: string;
  dir: string;
  served: Served;
  browser: Browser;
  page: Page;
  consoleErrors: string[];
  close(): Promise<void>;
}

export interface AppSessionOptions {
  viewport?: { width: number; height: number };
  /** Runs after the project is created and before it is served (e.g. a CLI training run). */
  prepare?: (project: string, dir: string) => void;
}

export async function openAppSession(options: AppSessionOptions = {}): Promise<AppSession> {
  const tmp = tempDir('cajal-e2e-');
  const project = join(tmp.dir, 'e2e.cajal');
  execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'cajal.js'), 'init', project]);
  options.prepare?.(project, tmp.dir);
  const served = await startServe(project);
  const browser = await launchChromium();
  const page = await browser.newPage(options.viewport ? { viewport: options.viewport } : {});
  const consoleErrors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return {
    project,
    dir: tmp.dir,
    served,
    browser,
    page,
    consoleErrors,
    async close() {
      await browser.close();
      await served.stop();
      tmp.cleanup();
    },
  };
}

/** Imports a file by typing its path in the Library, as a browser user does, and waits for its row. */
export async function importByPath(page: Page, path: string): Promise<void> {
  await page.getByLabel('Path to a file on this machine').fill(path);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.locator('tr', { hasText: path.split('/').pop()! }).waitFor();
}
