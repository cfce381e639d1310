/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Tests that need it
 * skip with a clear message when /usr/bin/chromium is absent; .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CAJAL_CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_NO_CHROMIUM = `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CAJAL_CHROMIUM)`;

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
