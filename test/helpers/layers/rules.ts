/**
 * The layer rules of DESIGN.md as data, checked by test/unit/layers.test.ts over the import graph
 * of main/, preload/, renderer/ and shared/ (see graph.ts and check.ts).
 *
 * Globs match repository-relative paths with `/` separators: `*` is one path segment, `**` any
 * depth. A glob that starts with `pkg:` matches an npm package or Node builtin by name instead
 * (`pkg:electron`); other globs only ever match files of ours, so `**` never means "any package".
 *
 * A domain lives in main/domains/<id> (docs/architecture.md); the engine, the CLI and the bridge
 * reach it through its DomainModule and hand it a context.
 */

/** A forbidden import: any file matching `from` (and no `fromExcept`) importing a target matching `to` (and no `toExcept`). */
export interface LayerRule {
  /** Short id, used by exceptions and in failure messages. */
  name: string;
  from: readonly string[];
  fromExcept?: readonly string[];
  to: readonly string[];
  toExcept?: readonly string[];
  /** Why the rule exists; printed with every violation so the fix is obvious. */
  why: string;
}

/**
 * A known violation tolerated for now. It must match a current import exactly (file to file or
 * package), so it is visible here, and an exception that no longer matches anything fails the test:
 * fixing the import forces removing its line.
 */
export interface LayerException {
  rule: string;
  from: string;
  to: string;
  /** What should happen instead, naming the issue that tracks it. */
  todo: string;
}

/** The domain folders: one per domain under main/domains. */
export const DOMAINS: readonly string[] = ['main/domains/**'];

export const LAYER_RULES: readonly LayerRule[] = [
  {
    name: 'renderer-not-main',
    from: ['renderer/**'],
    to: ['main/**'],
    why: 'the renderer is sandboxed and reaches the engine only through the typed API in shared/api',
  },
  {
    name: 'app-is-a-leaf',
    from: ['**'],
    fromExcept: ['main/app/**'],
    to: ['main/app/**'],
    why: 'main/app is the Electron shell: only Electron starts it (its entry main/app/main.ts); the engine, CLI and bridge must run without it',
  },
  {
    name: 'electron-only-in-app',
    from: ['**'],
    // preload/ runs in Electron's preload context, where contextBridge and ipcRenderer only exist in
    // 'electron'; it is Electron glue like main/app, not engine code.
    fromExcept: ['main/app/**', 'preload/**'],
    to: ['pkg:electron'],
    why: 'the engine never imports electron, so it runs under plain Node: in tests, the CLI and behind the bridge',
  },
  {
    name: 'shared-imports-only-shared',
    from: ['shared/**'],
    to: ['**'],
    toExcept: ['shared/**'],
    why: 'shared is imported by every side (main, preload, renderer) and must not drag any of them into another',
  },
  {
    name: 'domains-not-engine-cli-server',
    from: DOMAINS,
    to: ['main/engine/**', 'main/cli/**', 'main/server/**'],
    why: 'a domain receives a context from the engine; importing the engine or a transport back makes it a cycle and ties it to one face',
  },
  {
    name: 'pipelines-pure',
    from: ['main/pipelines/**'],
    to: ['main/engine/**', 'main/server/**', 'main/cli/**', 'main/app/**', 'preload/**', ...DOMAINS],
    why: 'pipelines are pure computation run by jobs: no engine, transports (app, server, preload, cli) or domain views',
  },
  {
    name: 'io-signal-store-not-pipelines',
    from: ['main/io/**', 'main/signal/**', 'main/store/**'],
    to: ['main/pipelines/**'],
    why: 'readers, signal processing and the store sit below the pipelines that use them',
  },
];

/** Known violations of today's code (see LayerException). Empty is the goal. */
export const LAYER_EXCEPTIONS: readonly LayerException[] = [];

/**
 * What a "folder" is for the no-cycles rule: the first segments of a path matching one of these.
 * A file directly under main/ (main/errors.ts) is a node of its own.
 */
export const FOLDER_PATTERNS: readonly string[] = ['main/*', 'preload', 'renderer', 'shared'];

/** Folders whose files must not import each other in a circle (type-only imports included). */
export const FILE_CYCLE_FREE: readonly { scope: string; why: string }[] = [
  {
    scope: 'main/compute/**',
    why: 'shared compute types live in main/compute/types.ts, so activate ↔ wasm and chain ↔ webgpu stay one-way (issue #16)',
  },
];

/** The folders scanned, relative to the repository root. */
export const SCANNED_ROOTS: readonly string[] = ['main', 'preload', 'renderer', 'shared'];
