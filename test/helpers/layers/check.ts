/**
 * Checks an import graph (graph.ts) against the layer rules (rules.ts): forbidden imports, folder
 * cycles and file cycles inside the folders that must have none. Pure functions over data, so the
 * unit test runs them on fake trees as well as on the repository.
 */
import type { ImportEdge, ImportGraph } from './graph.js';
import {
  FILE_CYCLE_FREE,
  FOLDER_PATTERNS,
  LAYER_EXCEPTIONS,
  LAYER_RULES,
  type LayerException,
  type LayerRule,
} from './rules.js';

export interface LayerConfig {
  rules: readonly LayerRule[];
  exceptions: readonly LayerException[];
  folderPatterns: readonly string[];
  fileCycleFree: readonly { scope: string; why: string }[];
}

export const DEFAULT_CONFIG: LayerConfig = {
  rules: LAYER_RULES,
  exceptions: LAYER_EXCEPTIONS,
  folderPatterns: FOLDER_PATTERNS,
  fileCycleFree: FILE_CYCLE_FREE,
};

export interface Violation {
  rule: LayerRule;
  edge: ImportEdge;
}

/** A strongly connected set of nodes (folders or files) with the imports that tie it together. */
export interface Cycle {
  nodes: string[];
  /** One import per node-to-node edge inside the cycle, so the report says which line to change. */
  edges: ImportEdge[];
  /** For file cycles: the scope that forbids them. */
  scope?: string;
}

export interface LayerReport {
  violations: Violation[];
  /** Violations matched by a listed exception: tolerated, and printed so they stay visible. */
  excepted: { violation: Violation; exception: LayerException }[];
  /** Exceptions that match no import any more: remove them. */
  staleExceptions: LayerException[];
  folderCycles: Cycle[];
  fileCycles: Cycle[];
  unresolved: ImportEdge[];
}

const globCache = new Map<string, RegExp>();

/** `*` is one path segment, `**` any number (including none before a `/`). */
export function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] as string;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  const regexp = new RegExp(`^${source}$`);
  globCache.set(glob, regexp);
  return regexp;
}

/** Package globs (`pkg:…`) match only packages and path globs only our files. */
export function matches(id: string, globs: readonly string[] | undefined): boolean {
  if (!globs) return false;
  const isPackage = id.startsWith('pkg:');
  return globs.some((glob) => glob.startsWith('pkg:') === isPackage && globToRegExp(glob).test(id));
}

function breaks(rule: LayerRule, edge: ImportEdge): boolean {
  return (
    matches(edge.from, rule.from) &&
    !matches(edge.from, rule.fromExcept) &&
    matches(edge.to, rule.to) &&
    !matches(edge.to, rule.toExcept)
  );
}

/** The folder of a file per the folder patterns, or the file itself when it sits above them. */
export function folderOf(file: string, patterns: readonly string[]): string {
  const segments = file.split('/');
  for (const pattern of patterns) {
    const depth = pattern.split('/').length;
    const head = segments.slice(0, depth).join('/');
    if (segments.length > depth && globToRegExp(pattern).test(head)) return head;
  }
  return file;
}

/** Tarjan's strongly connected components; only those with more than one node are cycles here. */
function stronglyConnected(nodes: readonly string[], next: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) as number, index.get(target) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return components;
}

/** Cycles of the graph whose nodes are `nodeOf(file)`; edges with `nodeOf` undefined are ignored. */
function cyclesOver(edges: readonly ImportEdge[], nodeOf: (file: string) => string | undefined): Cycle[] {
  const next = new Map<string, Set<string>>();
  const example = new Map<string, ImportEdge>();
  for (const edge of edges) {
    if (edge.to.startsWith('pkg:')) continue;
    const from = nodeOf(edge.from);
    const to = nodeOf(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    let targets = next.get(from);
    if (!targets) next.set(from, (targets = new Set()));
    targets.add(to);
    const key = `${from}\0${to}`;
    // Prefer a runtime import as the example: it is the one that matters most to remove.
    const known = example.get(key);
    if (!known || (known.typeOnly && !edge.typeOnly)) example.set(key, edge);
  }
  const nodes = [...next.keys()].sort();
  return stronglyConnected(nodes, next).map((members) => {
    const inside = new Set(members);
    const tying = [...example.entries()]
      .filter(([key]) => {
        const [from, to] = key.split('\0') as [string, string];
        return inside.has(from) && inside.has(to);
      })
      .map(([, edge]) => edge)
      .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    return { nodes: members, edges: tying };
  });
}

export function checkLayers(graph: ImportGraph, config: LayerConfig = DEFAULT_CONFIG): LayerReport {
  const violations: Violation[] = [];
  const excepted: LayerReport['excepted'] = [];
  const used = new Set<LayerException>();
  for (const edge of graph.edges) {
    for (const rule of config.rules) {
      if (!breaks(rule, edge)) continue;
      const exception = config.exceptions.find((e) => e.rule === rule.name && e.from === edge.from && e.to === edge.to);
      if (exception) {
        used.add(exception);
        excepted.push({ violation: { rule, edge }, exception });
      } else {
        violations.push({ rule, edge });
      }
    }
  }
  const folderCycles = cyclesOver(graph.edges, (file) => folderOf(file, config.folderPatterns));
  const fileCycles = config.fileCycleFree.flatMap(({ scope }) =>
    cyclesOver(graph.edges, (file) => (matches(file, [scope]) ? file : undefined)).map((cycle) => ({ ...cycle, scope })),
  );
  return {
    violations,
    excepted,
    staleExceptions: config.exceptions.filter((exception) => !used.has(exception)),
    folderCycles,
    fileCycles,
    unresolved: graph.unresolved,
  };
}

export function layersPass(report: LayerReport): boolean {
  return (
    report.violations.length === 0 &&
    report.staleExceptions.length === 0 &&
    report.folderCycles.length === 0 &&
    report.fileCycles.length === 0 &&
    report.unresolved.length === 0
  );
}

const describe = (edge: ImportEdge): string =>
  `${edge.from}:${edge.line} → ${edge.to}${edge.typeOnly ? ' (type-only)' : ''}  [${edge.specifier}]`;

/** A readable account of everything that fails, plus the tolerated exceptions; '' when all is well and nothing is excepted. */
export function formatReport(report: LayerReport): string {
  const lines: string[] = [];
  for (const { rule, edge } of report.violations) lines.push(`✗ ${rule.name}: ${describe(edge)}\n    why: ${rule.why}`);
  for (const exception of report.staleExceptions) {
    lines.push(`✗ stale exception (${exception.rule}: ${exception.from} → ${exception.to}) matches no import: remove it from rules.ts`);
  }
  for (const cycle of report.folderCycles) {
    lines.push(`✗ folder cycle ${cycle.nodes.join(' ⇄ ')}:\n${cycle.edges.map((e) => `    ${describe(e)}`).join('\n')}`);
  }
  for (const cycle of report.fileCycles) {
    lines.push(`✗ file cycle in ${cycle.scope}: ${cycle.nodes.join(' ⇄ ')}:\n${cycle.edges.map((e) => `    ${describe(e)}`).join('\n')}`);
  }
  for (const edge of report.unresolved) lines.push(`✗ unresolved relative import: ${describe(edge)}`);
  for (const { violation, exception } of report.excepted) {
    lines.push(`! excepted ${violation.rule.name}: ${describe(violation.edge)}\n    TODO: ${exception.todo}`);
  }
  return lines.join('\n');
}
