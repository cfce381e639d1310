// Bundles the preload into one CommonJS file: sandboxed preloads cannot load ES modules or
// arbitrary node_modules, so the API contract (and zod) are bundled in.
import { build } from 'esbuild';

await build({
  entryPoints: ['preload/index.ts'],
  outfile: 'dist/preload/index.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
});
