/**
 * Issue #17, point 10: `npm start` rebuilds only the parts of dist/ older than their sources, and
 * CI checks the Node version against package.json's `engines` (which the README states).
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_PARTS, staleParts } from '../../scripts/build-freshness.mjs';
import { satisfies } from '../../scripts/check-node.mjs';
import { REPO_ROOT } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

function touch(root: string, path: string, secondsAgo: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  const time = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, time, time);
  // Creating the file also dated its folders; date them back with it (a folder's time counts: a deleted source changes it).
  for (let folder = dirname(file); folder.startsWith(`${root}/`); folder = dirname(folder)) utimesSync(folder, time, time);
}

describe('npm start: rebuild what is stale', () => {
  it('rebuilds every part when dist/ is missing, none when it is newer than every source', () => {
    const tmp = tempDir('cajal-fresh-');
    try {
      touch(tmp.dir, 'main/app/main.ts', 100);
      touch(tmp.dir, 'shared/units.ts', 100);
      touch(tmp.dir, 'renderer/src/App.tsx', 100);
      touch(tmp.dir, 'preload/index.ts', 100);
      touch(tmp.dir, 'package.json', 100);
      expect(staleParts(tmp.dir).map((p) => p.name)).toEqual(['main', 'preload', 'renderer']);
      for (const part of BUILD_PARTS) touch(tmp.dir, part.output, 10);
      expect(staleParts(tmp.dir)).toEqual([]);
      touch(tmp.dir, 'renderer/src/App.tsx', 1);
      expect(staleParts(tmp.dir).map((p) => p.name)).toEqual(['renderer']);
      touch(tmp.dir, 'shared/units.ts', 0);
      expect(staleParts(tmp.dir).map((p) => p.name)).toEqual(['main', 'preload', 'renderer']);
    } finally {
      tmp.cleanup();
    }
  });

  it('is what `npm start` runs, instead of a full build every time', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toBe('node scripts/start.mjs');
    for (const part of BUILD_PARTS) expect(manifest.scripts[part.script]).toBeDefined();
  });
});

describe('Node version: engines, README and CI agree', () => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

  it('reads the engines range as npm does for ^ and >=', () => {
    const range = manifest.engines.node;
    expect(range).toBe('^20.19.0 || >=22.12.0');
    expect(satisfies('v20.19.0', range)).toBe(true);
    expect(satisfies('v20.20.2', range)).toBe(true);
    expect(satisfies('v20.18.3', range)).toBe(false);
    expect(satisfies('v21.7.0', range)).toBe(false);
    expect(satisfies('v22.11.0', range)).toBe(false);
    expect(satisfies('v22.12.0', range)).toBe(true);
    expect(satisfies('v24.1.0', range)).toBe(true);
    expect(satisfies(process.version, range)).toBe(true);
  });

  it('is checked by CI and stated by the README', () => {
    expect(readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')).toMatch(/^node scripts\/check-node\.mjs$/m);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('**Node.js**: 20.19 or later in the 20 line, or 22.12 or later');
    expect(readme).toContain('CAJAL_PORT');
  });
});
