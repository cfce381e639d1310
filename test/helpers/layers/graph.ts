/**
 * The import graph of Cajal's sources, read with the TypeScript compiler API.
 *
 * Why not dependency-cruiser (18.x fits and is well kept): it would add a dev dependency with ~18
 * transitive packages (acorn, enhanced-resolve, commander, ...) to a lockfile many people edit at
 * once, and its rule language still needs our own code for what matters here (folder-level cycles
 * over a folder table, file cycles inside one folder, exceptions that must not go stale).
 * TypeScript is already a dev dependency and parses exactly the syntax we write; resolving our
 * imports is simple because they are all relative with explicit `.js` extensions (NodeNext, no
 * path aliases), so ~150 lines do the job with no new package.
 *
 * Only syntax is read (ts.createSourceFile, no program or type checker), so a full scan of ~350
 * files takes a second or two here and the fake trees of the unit test need no files on disk.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The files a graph is built from: the repository on disk, or a fake tree in memory (tests). */
export interface SourceTree {
  /** Repository-relative paths with `/` separators, of every file under the given roots. */
  list(roots: readonly string[]): string[];
  read(file: string): string;
}

export interface ImportEdge {
  /** Importing file, repository-relative. */
  from: string;
  /** Imported file (repository-relative) or package (`pkg:<name>`, e.g. `pkg:electron`, `pkg:node:fs`). */
  to: string;
  specifier: string;
  /** `import type` / `export type` / `typeof import()`: erased at runtime, still a dependency for cycles. */
  typeOnly: boolean;
  line: number;
}

export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
  /** Relative imports that name no file: broken, and invisible to the rules, so reported. */
  unresolved: ImportEdge[];
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

export function diskTree(repoRoot: string): SourceTree {
  return {
    list(roots) {
      const out: string[] = [];
      const walk = (relative: string): void => {
        for (const entry of readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
          const child = `${relative}/${entry.name}`;
          if (entry.isDirectory()) {
            if (!SKIPPED_DIRS.has(entry.name)) walk(child);
          } else if (entry.isFile()) {
            out.push(child);
          }
        }
      };
      for (const root of roots) {
        const exists = (() => {
          try {
            return statSync(path.join(repoRoot, root)).isDirectory();
          } catch {
            return false;
          }
        })();
        if (exists) walk(root);
      }
      return out.sort();
    },
    read: (file) => readFileSync(path.join(repoRoot, file), 'utf8'),
  };
}

/** A tree from a `{ path: source }` map; paths are repository-relative. */
export function memoryTree(files: Readonly<Record<string, string>>): SourceTree {
  return {
    list: (roots) => Object.keys(files).filter((file) => roots.some((root) => file.startsWith(`${root}/`))).sort(),
    read(file) {
      const text = files[file];
      if (text === undefined) throw new Error(`no file ${file} in the fake tree`);
      return text;
    },
  };
}

interface RawImport {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

/** `'x'`, `('x')`, `'x' as string`: activate.ts hides optional packages from tsc this way. */
function literalOf(node: ts.Node | undefined): string | undefined {
  let current = node;
  while (current && (ts.isParenthesizedExpression(current) || ts.isAsExpression(current))) current = current.expression;
  return current && ts.isStringLiteralLike(current) ? current.text : undefined;
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(js|mjs|cjs)$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Every static import/export-from, dynamic `import('literal')` and `typeof import('literal')` type in a file. */
export function parseImports(file: string, text: string): RawImport[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, scriptKind(file));
  const found: RawImport[] = [];
  const add = (node: ts.Node, specifier: string | undefined, typeOnly: boolean): void => {
    if (specifier === undefined) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ specifier, typeOnly, line });
  };
  // Static imports and exports are top-level statements; only `import(…)` (call or type) can hide
  // deeper, so most files skip the walk over every expression.
  const deep = /\bimport\s*\(/.test(text);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, literalOf(node.moduleSpecifier), node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node)) {
      add(node, literalOf(node.moduleSpecifier), node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, literalOf(node.moduleReference.expression), node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, literalOf(node.arguments[0]), false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, literalOf(node.argument.literal), true);
    }
    if (deep) ts.forEachChild(node, visit);
  };
  for (const statement of source.statements) visit(statement);
  return found;
}

/** `@scope/name/sub` → `@scope/name`, `electron/main` → `electron`, `node:fs` stays. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Candidate files for a relative specifier, in NodeNext's order (`.js` in source means `.ts` on disk). */
function candidates(target: string): string[] {
  const stem = target.replace(/\.(js|jsx|mjs|cjs)$/, '');
  const mapped = target.endsWith('.mjs')
    ? [`${stem}.mts`]
    : target.endsWith('.cjs')
      ? [`${stem}.cts`]
      : /\.jsx?$/.test(target)
        ? [`${stem}.ts`, `${stem}.tsx`]
        : [];
  return [
    target,
    ...mapped,
    `${target}.ts`,
    `${target}.tsx`,
    `${target}/index.ts`,
    `${target}/index.tsx`,
    `${target}/index.js`,
  ];
}

export function buildImportGraph(tree: SourceTree, roots: readonly string[]): ImportGraph {
  const all = tree.list(roots);
  const known = new Set(all);
  const files = all.filter((file) => SOURCE.test(file) && !file.endsWith('.d.ts'));
  const edges: ImportEdge[] = [];
  const unresolved: ImportEdge[] = [];
  for (const file of files) {
    for (const raw of parseImports(file, tree.read(file))) {
      const base = { from: file, specifier: raw.specifier, typeOnly: raw.typeOnly, line: raw.line };
      if (!raw.specifier.startsWith('.')) {
        edges.push({ ...base, to: `pkg:${packageOf(raw.specifier)}` });
        continue;
      }
      // Vite-style suffixes (`./x.svg?url`) name the same file.
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), raw.specifier.replace(/[?#].*$/, '')));
      const resolved = candidates(target).find((candidate) => known.has(candidate));
      // Outside the scanned roots (package.json, assets/): kept as written, still ours for the rules.
      const outside = !roots.some((root) => target.startsWith(`${root}/`));
      if (resolved === undefined && outside) edges.push({ ...base, to: target });
      else if (resolved === undefined) unresolved.push({ ...base, to: target });
      else edges.push({ ...base, to: resolved });
    }
  }
  return { files, edges, unresolved };
}
