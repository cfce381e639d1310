import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
