/**
 * The gradient checks of test/helpers/gradcheck.ts on the WebGPU backend: every op our models train
 * through, against the cpu backend and central finite differences. Without a GPU this runs on the
 * software adapter (Mesa llvmpipe through Dawn's OpenGL ES backend); with one, on the GPU. It skips
 * only when Dawn finds no adapter at all.
 */
import { afterAll, describe, it } from 'vitest';
import { activateBackend, releaseWebGpu, searchWebGpuAdapters } from '../../main/compute/index.js';
import { describeGradientChecks } from '../helpers/gradcheck.js';

const search = await searchWebGpuAdapters({ software: true });

if (search.adapter) {
  describeGradientChecks('webgpu', async () => {
    // cpuForward off: small ops would otherwise run on tfjs's CPU kernels, and the check would
    // compare cpu with cpu.
    await activateBackend('webgpu', { webgpu: { software: true, cpuForward: false } });
  });
  afterAll(() => releaseWebGpu());
} else {
  describe('gradients on the webgpu backend', () => {
    it.skip(`skipped: Dawn found no WebGPU adapter, not even a software one (${search.detail})`, () => {});
  });
}
