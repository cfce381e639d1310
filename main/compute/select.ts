/**
 * Picks the compute backend: the first available one in the chain, or the one the user forced.
 * Probing loads native libraries, so the chain is probed once per process and cached.
 */
import type { BackendName, BackendProbe, BackendReport } from '../../shared/api/index.js';
import { BACKEND_CHAIN, type BackendCandidate, type ModuleImporter, type ProbeContext } from './chain.js';
import { softwareRequestedByEnv, type WebGpuOptions } from './webgpu.js';

const nativeImport: ModuleImporter = (specifier) => import(specifier);

export interface SelectOptions {
  /** A backend the user asked for (flag or project setting); null for the automatic chain. */
  forced?: BackendName | null;
  /** Replaces `import()` (tests). A custom importer bypasses the per-process cache. */
  importModule?: ModuleImporter;
  chain?: readonly BackendCandidate[];
  /** WebGPU adapter policy; `software` defaults to `CAJAL_WEBGPU=software`. */
  webgpu?: Pick<WebGpuOptions, 'software'>;
}

/** Probes per process, one set per software-adapter policy (the env var is read once per call). */
const cachedProbes = new Map<boolean, Promise<BackendProbe[]>>();

export async function probeChain(
  importModule: ModuleImporter = nativeImport,
  chain: readonly BackendCandidate[] = BACKEND_CHAIN,
  context: ProbeContext = { webgpuSoftware: softwareRequestedByEnv() },
): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const candidate of chain) {
    const outcome = await candidate.probe(importModule, context);
    probes.push({ name: candidate.name, provider: candidate.provider, ...outcome });
  }
  return probes;
}

export async function selectBackend(options: SelectOptions = {}): Promise<BackendReport> {
  const forced = options.forced ?? null;
  const context: ProbeContext = { webgpuSoftware: options.webgpu?.software ?? softwareRequestedByEnv() };
  let probes: BackendProbe[];
  if (options.importModule || options.chain) {
    probes = await probeChain(options.importModule, options.chain, context);
  } else {
    let cached = cachedProbes.get(context.webgpuSoftware);
    if (!cached) {
      cached = probeChain(nativeImport, BACKEND_CHAIN, context);
      cachedProbes.set(context.webgpuSoftware, cached);
    }
    probes = await cached;
  }
  const firstAvailable = probes.find((probe) => probe.available);
  // `cpu` has no requirements, so a chain without an available backend is a programming error.
  if (!firstAvailable) throw new Error('no compute backend is available, not even cpu');

  if (forced) {
    const wanted = probes.find((probe) => probe.name === forced);
    if (wanted?.available) {
      return { selected: forced, forced, reason: `${forced} forced by the user`, chain: probes };
    }
    return {
      selected: firstAvailable.name,
      forced,
      reason: `${forced} was forced but is unavailable (${wanted?.detail ?? 'unknown backend'}); using ${firstAvailable.name}`,
      chain: probes,
    };
  }
  const skipped = probes.slice(0, probes.indexOf(firstAvailable)).map((probe) => probe.name);
  const reason =
    skipped.length === 0
      ? `${firstAvailable.name} is the first backend of the chain`
      : `${firstAvailable.name} is the first available backend (${skipped.join(', ')} unavailable)`;
  return { selected: firstAvailable.name, forced: null, reason, chain: probes };
}

/** Plain-text report for the CLI: one line per backend, the selected one marked. */
export function formatBackendReport(report: BackendReport): string {
  const width = Math.max(...report.chain.map((probe) => probe.name.length));
  const lines = report.chain.map((probe) => {
    const mark = probe.name === report.selected ? '→' : probe.available ? '✓' : '✗';
    return `${mark} ${probe.name.padEnd(width)}  ${probe.detail}  [${probe.provider}]`;
  });
  return [...lines, `selected: ${report.selected} — ${report.reason}`].join('\n');
}
