import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The robustness suite (`npm run test:robust`, run by CI after `npm test`): seeded fuzzing of every
 * reader on the real files, the bridge under load. Heavier than the unit tests,
 * so it is kept out of `npm test`'s quick loop.
 */
export default defineConfig({
  test: {
    // The machine's user settings (main/config) of a test run are its own, never the developer's.
    env: { CAJAL_CONFIG_DIR: join(tmpdir(), `cajal-test-config-${process.pid}`) },
    include: ['test/robust/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
