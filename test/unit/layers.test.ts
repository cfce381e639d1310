/**
 * The layer rules of DESIGN.md (table in test/helpers/layers/rules.ts), enforced over the import
 * graph of main/, preload/, renderer/ and shared/: first on this repository, then on fake trees
 * that each break one rule, so a checker that silently checks nothing cannot pass.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLayers, DEFAULT_CONFIG, folderOf, formatReport, layersPass, type LayerReport } from '../helpers/layers/check.js';
import { buildImportGraph, diskTree, memoryTree, parseImports } from '../helpers/layers/graph.js';
import { FOLDER_PATTERNS, LAYER_RULES, SCANNED_ROOTS, type LayerException } from '../helpers/layers/rules.js';
import type { ImportGraph } from '../helpers/layers/graph.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('layer rules on this repository', () => {
  let graph: ImportGraph;
  let report: LayerReport;
  beforeAll(() => {
    graph = buildImportGraph(diskTree(repoRoot), SCANNED_ROOTS);
    report = checkLayers(graph);
  });

  it('has no forbidden import, folder cycle, compute file cycle or broken relative import', () => {
    // The message lists every offending import with its line and the rule's reason.
    expect(layersPass(report), `\n${formatReport(report)}\n`).toBe(true);
    if (report.excepted.length > 0) console.warn(`tolerated layer exceptions:\n${formatReport({ ...empty(), excepted: report.excepted })}`);
  });

  it('actually scanned the sources (a scanner that finds nothing would pass everything)', () => {
    expect(graph.files.length).toBeGreaterThan(100);
    const has = (from: string, to: string): boolean => graph.edges.some((e) => e.from.startsWith(from) && e.to.startsWith(to));
    expect(has('renderer/src/', 'shared/api/')).toBe(true);
    expect(has('preload/', 'pkg:electron')).toBe(true);
    expect(has('main/engine/', 'main/store/')).toBe(true);
    expect(graph.files).toContain('main/compute/types.ts');
  });

  it('keeps main/compute/types.ts a leaf, so compute modules never import each other for a type', () => {
    const ours = graph.edges.filter((e) => e.from === 'main/compute/types.ts' && !e.to.startsWith('pkg:'));
    expect(ours).toEqual([]);
  });
});

function empty(): LayerReport {
  return { violations: [], excepted: [], staleExceptions: [], folderCycles: [], fileCycles: [], unresolved: [] };
}

/** A small tree laid out like the target of DESIGN.md, obeying every rule. */
const GOOD: Record<string, string> = {
  'shared/api/index.ts': "import { z } from 'zod';\nexport const x = z.number();\n",
  'shared/units.ts': "export type Seconds = number;\n",
  'preload/index.ts': "import { contextBridge } from 'electron';\nimport { x } from '../shared/api/index.js';\n",
  'renderer/src/App.tsx': "import { x } from '../../shared/api/index.js';\nimport React from 'react';\nexport const App = () => <div>{String(x)}</div>;\n",
  'main/app/main.ts': "import { app } from 'electron';\nimport { Engine } from '../engine/index.js';\n",
  'main/engine/index.ts': "import { DOMAINS } from '../domains/index.js';\nexport class Engine {}\n",
  'main/domains/index.ts': "import { eeg } from './eeg/index.js';\nexport const DOMAINS = [eeg];\n",
  'main/domains/eeg/index.ts': "import { run } from '../../pipelines/rms/index.js';\nimport type { Seconds } from '../../../shared/units.js';\nexport const eeg = { run };\n",
  'main/pipelines/rms/index.ts': "import { read } from '../../io/edf/index.js';\nimport { filter } from '../../signal/index.js';\nexport const run = () => filter(read());\n",
  'main/io/edf/index.ts': "export const read = () => new Float32Array(1);\n",
  'main/signal/index.ts': "export const filter = (a: Float32Array) => a;\n",
  'main/store/index.ts': "import { read } from '../io/edf/index.js';\n",
  'main/cli/main.ts': "import { Engine } from '../engine/index.js';\n",
  'main/server/bridge.ts': "import { Engine } from '../engine/index.js';\n",
  'main/compute/types.ts': "export type Tfjs = typeof import('@tensorflow/tfjs');\n",
  'main/compute/activate.ts': "import type { Tfjs } from './types.js';\nimport { install } from './wasm/index.js';\n",
  'main/compute/wasm/index.ts': "import type { Tfjs } from '../types.js';\nexport const install = (tf: Tfjs) => tf;\n",
};

function check(extra: Record<string, string>, exceptions: readonly LayerException[] = []): LayerReport {
  const graph = buildImportGraph(memoryTree({ ...GOOD, ...extra }), SCANNED_ROOTS);
  return checkLayers(graph, { ...DEFAULT_CONFIG, exceptions });
}

const broken = (report: LayerReport): string[] => report.violations.map((v) => `${v.rule.name} ${v.edge.from} → ${v.edge.to}`);

describe('layer checker on fake trees', () => {
  it('passes a tree that follows every rule', () => {
    const report = check({});
    expect(layersPass(report), formatReport(report)).toBe(true);
  });

  it.each([
    ['renderer → main', 'renderer/src/bad.ts', "import { Engine } from '../../main/engine/index.js';", 'renderer-not-main renderer/src/bad.ts → main/engine/index.ts'],
    ['shared → main', 'shared/bad.ts', "import type { Engine } from '../main/engine/index.js';", 'shared-imports-only-shared shared/bad.ts → main/engine/index.ts'],
    ['shared → renderer', 'shared/bad.ts', "export * from '../renderer/src/App.js';", 'shared-imports-only-shared shared/bad.ts → renderer/src/App.tsx'],
    ['pipelines → engine', 'main/pipelines/rms/bad.ts', "import { Engine } from '../../engine/index.js';", 'pipelines-pure main/pipelines/rms/bad.ts → main/engine/index.ts'],
    ['pipelines → domains', 'main/pipelines/rms/bad.ts', "const d = await import('../../domains/eeg/index.js');", 'pipelines-pure main/pipelines/rms/bad.ts → main/domains/eeg/index.ts'],
    ['io → pipelines', 'main/io/bad.ts', "import { run } from '../pipelines/rms/index.js';", 'io-signal-store-not-pipelines main/io/bad.ts → main/pipelines/rms/index.ts'],
    ['domains → cli', 'main/domains/eeg/bad.ts', "import '../../cli/main.js';", 'domains-not-engine-cli-server main/domains/eeg/bad.ts → main/cli/main.ts'],
    ['domains → engine', 'main/domains/eeg/review.ts', "import { Engine } from '../../engine/index.js';", 'domains-not-engine-cli-server main/domains/eeg/review.ts → main/engine/index.ts'],
    ['electron outside main/app', 'main/engine/bad.ts', "import { BrowserWindow } from 'electron/main';", 'electron-only-in-app main/engine/bad.ts → pkg:electron'],
    ['anything → main/app', 'main/server/bad.ts', "import '../app/main.js';", 'app-is-a-leaf main/server/bad.ts → main/app/main.ts'],
  ])('fails on %s', (_label, file, source, expected) => {
    const report = check({ [file]: source });
    expect(broken(report)).toContain(expected);
    expect(layersPass(report)).toBe(false);
    const rule = expected.split(' ')[0] as string;
    // The reason is printed with the violation, so the failure explains itself.
    expect(formatReport(report)).toContain(LAYER_RULES.find((r) => r.name === rule)?.why);
  });

  it('fails on a cycle between folders, type-only imports included', () => {
    const report = check({ 'main/io/edf/index.ts': "import type { Row } from '../../store/index.js';\nexport const read = () => new Float32Array(1);\n" });
    expect(report.violations).toEqual([]);
    expect(report.folderCycles.map((c) => c.nodes)).toEqual([['main/io', 'main/store']]);
    expect(layersPass(report)).toBe(false);
    expect(formatReport(report)).toContain('main/io/edf/index.ts:1 → main/store/index.ts (type-only)');
  });

  it('fails on a file cycle inside main/compute, and only there', () => {
    const report = check({ 'main/compute/wasm/index.ts': "import type { Tfjs } from '../activate.js';\nexport const install = (tf: Tfjs) => tf;\n" });
    expect(report.fileCycles.map((c) => c.nodes)).toEqual([['main/compute/activate.ts', 'main/compute/wasm/index.ts']]);
    expect(report.folderCycles).toEqual([]);
    // The same circle in a folder without that rule is allowed.
    const elsewhere = check({
      'main/signal/a.ts': "import { b } from './b.js';\nexport const a = 1;\n",
      'main/signal/b.ts': "import { a } from './a.js';\nexport const b = 1;\n",
    });
    expect(layersPass(elsewhere), formatReport(elsewhere)).toBe(true);
  });

  it('tolerates a listed exception, shows it, and fails once it is stale', () => {
    // (An import that also closes a folder cycle, such as a domain importing the engine, would
    // still fail as a cycle: an exception excuses a rule, not a circle.)
    const todo = 'issue #99: take the dialog from the shell through the context';
    const exception: LayerException = { rule: 'electron-only-in-app', from: 'main/domains/eeg/review.ts', to: 'pkg:electron', todo };
    const tolerated = check({ 'main/domains/eeg/review.ts': "import { dialog } from 'electron';" }, [exception]);
    expect(layersPass(tolerated), formatReport(tolerated)).toBe(true);
    expect(formatReport(tolerated)).toContain(`TODO: ${todo}`);
    const stale = check({ 'main/domains/eeg/review.ts': '' }, [exception]);
    expect(stale.staleExceptions).toEqual([exception]);
    expect(layersPass(stale)).toBe(false);
  });

  it('fails on a relative import that names no file', () => {
    const report = check({ 'main/signal/bad.ts': "import { gone } from './gone.js';" });
    expect(report.unresolved.map((e) => e.to)).toEqual(['main/signal/gone.js']);
    expect(layersPass(report)).toBe(false);
  });
});

describe('import parsing and folders', () => {
  it('reads every import form we write', () => {
    const source = [
      "import a from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, d } from './c.js';",
      "export * from './e.js';",
      "export type { F } from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
      "await import('optional-pkg' as string);",
      "type T = typeof import('@tensorflow/tfjs');",
      'const dynamic = await import(someVariable);',
    ].join('\n');
    expect(parseImports('main/x.ts', source).map((i) => `${i.specifier}${i.typeOnly ? ' type' : ''}`)).toEqual([
      './a.js',
      './b.js type',
      './c.js',
      './e.js',
      './f.js type',
      './g.js',
      './h.js',
      'optional-pkg',
      '@tensorflow/tfjs type',
    ]);
  });

  it('resolves .js to .ts/.tsx and folders to index files', () => {
    const graph = buildImportGraph(
      memoryTree({
        'renderer/src/a.ts': "import { B } from './B.js';\nimport { c } from './c';\nimport { d } from './d/index.js';\n",
        'renderer/src/B.tsx': '',
        'renderer/src/c/index.ts': '',
        'renderer/src/d/index.ts': '',
      }),
      ['renderer'],
    );
    expect(graph.unresolved).toEqual([]);
    expect(graph.edges.map((e) => e.to)).toEqual(['renderer/src/B.tsx', 'renderer/src/c/index.ts', 'renderer/src/d/index.ts']);
  });

  it('maps files to the folders of the cycle rule', () => {
    expect(folderOf('main/compute/wasm/index.ts', FOLDER_PATTERNS)).toBe('main/compute');
    expect(folderOf('main/domains/eeg/review.ts', FOLDER_PATTERNS)).toBe('main/domains');
    expect(folderOf('renderer/src/App.tsx', FOLDER_PATTERNS)).toBe('renderer');
    expect(folderOf('main/errors.ts', FOLDER_PATTERNS)).toBe('main/errors.ts');
  });
});
