// Which parts of dist/ are older than their sources, so `npm start` rebuilds only those (a full
// `npm run build` took 19–31 s on every start). A part is stale when any of its sources (or the
// package manifest: a dependency update) is newer than its output, or its output is missing.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SHARED = ['shared', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** Each build part: its npm script, the sources it reads, and the output whose time stamps the build. */
export const BUILD_PARTS = [
  { name: 'main', script: 'build:main', sources: ['main', 'preload', 'tsconfig.main.json', ...SHARED], output: 'dist/main/cli/main.js' },
  { name: 'preload', script: 'build:preload', sources: ['preload', 'scripts/build-preload.mjs', ...SHARED], output: 'dist/preload/index.cjs' },
  { name: 'renderer', script: 'build:renderer', sources: ['renderer', 'tsconfig.renderer.json', ...SHARED], output: 'dist/renderer/index.html' },
];

/** The newest modification time (ms) under a file or folder; 0 when it does not exist. */
export function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted source file changes its folder's time
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** The parts of BUILD_PARTS whose output is missing or older than a source, under `root`. */
export function staleParts(root, parts = BUILD_PARTS) {
  return parts.filter((part) => {
    const built = newestMtime(join(root, part.output));
    return built === 0 || part.sources.some((source) => newestMtime(join(root, source)) > built);
  });
}
