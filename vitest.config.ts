import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The machine's user settings (main/config) of a test run are its own, never the developer's.
    env: { CAJAL_CONFIG_DIR: join(tmpdir(), `cajal-test-config-${process.pid}`) },
    include: ['test/**/*.test.ts'],
    // test/robust runs with `npm run test:robust` (vitest.robust.config.ts); CI runs both.
    exclude: ['test/robust/**', '**/node_modules/**'],
    // Workers, child processes and a browser: run files one by one on this 2-core machine.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
