/**
 * Morphology view frame time: a synthetic 100,000-node neuron (the view's test-only
 * `?morphology-synthetic=` parameter) orbited in Debian's Chromium by pointer drags, 60 frames, with
 * the automatic level of detail; the reference, measured in the same run, is the same neuron drawn
 * as tubes throughout (`&morphology-lod=off`, 8 frames: over a second each in software). Headless
 * Chromium renders WebGL with SwiftShader on the CPU here, so both are upper bounds for a GPU.
 * Needs the build (`npm run build`) and /usr/bin/chromium; skipped otherwise.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openAppSession } from '../test/helpers/app-session.js';
import { hasChromium } from '../test/helpers/browser.js';
import { orbit } from '../test/helpers/orbit.js';
import type { BenchResult } from './types.js';

const NODES = 100_000;

export async function benchMorphology(): Promise<BenchResult[]> {
  const built = existsSync(resolve(import.meta.dirname, '..', 'dist', 'renderer', 'index.html'));
  if (!hasChromium() || !built) {
    console.log(`morphology: skipped (${!built ? 'run npm run build first' : 'no /usr/bin/chromium'})`);
    return [];
  }
  const session = await openAppSession({ viewport: { width: 1280, height: 800 } });
  const { page, served } = session;
  // tsx (esbuild keepNames) wraps named functions in `__name(…)`; functions evaluated in the page
  // need that helper there too (vitest's transform does not add it).
  await page.addInitScript('globalThis.__name = (target) => target;');
  try {
    const measure = async (query: string, frames: number) => {
      await page.goto(`${served.url}${served.url.includes('?') ? '&' : '?'}${query}`);
      await page.getByRole('heading', { name: 'Library' }).waitFor();
      await page.keyboard.press('Alt+7');
      await page.waitForFunction(() => document.querySelector('.morphology-scene')?.getAttribute('data-ready') === 'true', null, { timeout: 180_000 });
      await page.waitForTimeout(300);
      return orbit(page, frames);
    };
    const auto = await measure(`morphology-synthetic=${NODES}`, 60);
    const tubes = await measure(`morphology-synthetic=${NODES}&morphology-lod=off`, 8);
    console.log(`morphology: ${NODES} nodes, level of detail while orbiting: ${auto.lods.join('/')}; median ${auto.medianMs.toFixed(1)} ms, p95 ${auto.p95Ms.toFixed(1)} ms`);
    return [
      {
        name: `morphology orbit frame, ${NODES / 1000}k nodes (software WebGL)`,
        value: auto.meanMs,
        unit: 'ms',
        reference: { name: 'tubes without level of detail', value: tubes.meanMs },
      },
    ];
  } finally {
    await session.close();
  }
}
