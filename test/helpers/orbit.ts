/**
 * Frame times of the Morphology view while it is orbited, shared by the e2e test and
 * `npm run bench` (bench/morphology.bench.ts).
 */
import type { Page } from 'playwright-core';

export interface Orbit {
  meanMs: number;
  medianMs: number;
  p95Ms: number;
  frames: number;
  lods: string[];
}

/** Orbits the view by a pointer drag, one move per animation frame, and times the frames. */
export async function orbit(page: Page, frames: number): Promise<Orbit> {
  const canvas = page.locator('.morphology-canvas');
  const box = (await canvas.boundingBox())!;
  // The real pointer's id, so the synthetic moves continue its drag.
  await canvas.evaluate((element) => {
    element.addEventListener('pointerdown', (event) => (element.dataset.testPointerId = String((event as PointerEvent).pointerId)), { once: true });
  });
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  const pointerId = Number(await canvas.getAttribute('data-test-pointer-id'));
  const result = await canvas.evaluate(
    async (element, { frames, pointerId }) => {
      const rect = element.getBoundingClientRect();
      const scene = element.parentElement!;
      const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
      let x = rect.left + rect.width / 2;
      const y = rect.top + rect.height / 2;
      const times: number[] = [];
      const lods = new Set<string>();
      // Start moving and let one frame pass, so the first timed frame is a steady one.
      element.dispatchEvent(new PointerEvent('pointermove', { pointerId, pointerType: 'mouse', clientX: (x += 8), clientY: y, buttons: 1, bubbles: true }));
      let last = await nextFrame();
      for (let i = 0; i < frames; i += 1) {
        element.dispatchEvent(new PointerEvent('pointermove', { pointerId, pointerType: 'mouse', clientX: (x += 4), clientY: y, buttons: 1, bubbles: true }));
        const now = await nextFrame();
        times.push(now - last);
        last = now;
        lods.add(scene.dataset.lod ?? '');
      }
      return { times, lods: [...lods] };
    },
    { frames, pointerId },
  );
  await page.mouse.up();
  const sorted = [...result.times].sort((a, b) => a - b);
  return {
    meanMs: result.times.reduce((s, t) => s + t, 0) / result.times.length,
    medianMs: sorted[sorted.length >> 1]!,
    p95Ms: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!,
    frames: result.times.length,
    lods: result.lods,
  };
}
