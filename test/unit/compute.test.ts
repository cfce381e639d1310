import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  activateBackend,
  classifyImportFailure,
  formatBackendReport,
  selectBackend,
  type ModuleImporter,
} from '../../main/compute/index.js';

function errorWithCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The two ways a missing tfjs-node shows up, as Node really reports them. */
const PACKAGE_MISSING = errorWithCode(
  "Cannot find package '@tensorflow/tfjs-node' imported from /app/main/compute/select.js",
  'ERR_MODULE_NOT_FOUND',
);
const BINDING_MISSING = errorWithCode(
  "Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'\nRequire stack:\n- /app/node_modules/@tensorflow/tfjs-node/dist/tfjs_binding.js",
  'MODULE_NOT_FOUND',
);
const GPU_PACKAGE_MISSING = errorWithCode(
  "Cannot find package '@tensorflow/tfjs-node-gpu' imported from /app/main/compute/select.js",
  'ERR_MODULE_NOT_FOUND',
);
const LIBTENSORFLOW_MISSING = new Error(
  'libtensorflow.so.2: cannot open shared object file: No such file or directory',
);

/** An importer where the listed specifiers fail with the given error and everything else loads. */
function importerFailing(failures: Record<string, Error>, dawnAdapter: unknown = null): ModuleImporter {
  return async (specifier) => {
    const failure = failures[specifier];
    if (failure) throw failure;
    if (specifier === 'webgpu') return { create: () => ({ requestAdapter: async () => dawnAdapter }) };
    return {};
  };
}

describe('classifyImportFailure', () => {
  it('says "not installed" when npm dropped the optional package', () => {
    expect(classifyImportFailure('@tensorflow/tfjs-node', PACKAGE_MISSING)).toBe('not installed');
    const cjsShape = errorWithCode("Cannot find module '@tensorflow/tfjs-node-gpu'", 'MODULE_NOT_FOUND');
    expect(classifyImportFailure('@tensorflow/tfjs-node-gpu', cjsShape)).toBe('not installed');
  });

  it('tells a present package with a missing native binding apart, in one line', () => {
    const detail = classifyImportFailure('@tensorflow/tfjs-node', BINDING_MISSING);
    expect(detail).toMatch(/^installed, but its native library did not load/);
    expect(detail).toContain('tfjs_binding.node');
    expect(detail).not.toContain('\n');
    expect(classifyImportFailure('@tensorflow/tfjs-node', LIBTENSORFLOW_MISSING)).toMatch(/libtensorflow\.so\.2/);
  });

  it('reports other failures as "failed to load"', () => {
    expect(classifyImportFailure('webgpu', new Error('boom'))).toBe('failed to load (boom)');
  });
});

describe('selectBackend', () => {
  it('walks the chain and says why each earlier backend was skipped', async () => {
    const report = await selectBackend({
      importModule: importerFailing({
        '@tensorflow/tfjs-node-gpu': GPU_PACKAGE_MISSING,
        '@tensorflow/tfjs-node': BINDING_MISSING,
      }),
    });
    expect(report.selected).toBe('wasm');
    expect(report.forced).toBeNull();
    expect(report.chain.map((probe) => [probe.name, probe.available])).toEqual([
      ['tensorflow-gpu', false],
      ['webgpu', false],
      ['tensorflow', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(report.chain[1]?.detail).toMatch(/no GPU adapter/);
    expect(report.chain[2]?.detail).toMatch(/native library did not load/);
    expect(report.reason).toBe('wasm is the first available backend (tensorflow-gpu, webgpu, tensorflow unavailable)');
    const text = formatBackendReport(report);
    expect(text).toMatch(/^→ wasm .*WebAssembly backend loaded/m);
    expect(text.split('\n').at(-1)).toBe(`selected: wasm — ${report.reason}`);
  });

  it('prefers CUDA, then a WebGPU adapter, when present', async () => {
    expect((await selectBackend({ importModule: importerFailing({}) })).selected).toBe('tensorflow-gpu');
    const webgpu = await selectBackend({
      importModule: importerFailing({ '@tensorflow/tfjs-node-gpu': GPU_PACKAGE_MISSING }, { name: 'fake adapter' }),
    });
    expect(webgpu.selected).toBe('webgpu');
  });

  it('honours a forced backend, and falls back with the reason when it cannot run', async () => {
    const importModule = importerFailing({
      '@tensorflow/tfjs-node-gpu': GPU_PACKAGE_MISSING,
      '@tensorflow/tfjs-node': PACKAGE_MISSING,
    });
    const cpu = await selectBackend({ importModule, forced: 'cpu' });
    expect(cpu).toMatchObject({ selected: 'cpu', forced: 'cpu', reason: 'cpu forced by the user' });
    const gpu = await selectBackend({ importModule, forced: 'tensorflow-gpu' });
    expect(gpu.selected).toBe('wasm');
    expect(gpu.reason).toBe('tensorflow-gpu was forced but is unavailable (not installed); using wasm');
  });

  it('falls back to wasm when nothing native is installed (as on this machine)', async (ctx) => {
    const require = createRequire(import.meta.url);
    const hasNative = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].some((name) => {
      try {
        require.resolve(name);
        return true;
      } catch {
        return false;
      }
    });
    if (hasNative) ctx.skip();
    const report = await selectBackend();
    expect(report.chain[0]).toMatchObject({ name: 'tensorflow-gpu', available: false, detail: 'not installed' });
    expect(report.chain[2]).toMatchObject({ name: 'tensorflow', available: false, detail: 'not installed' });
    expect(report.chain.find((probe) => probe.name === 'wasm')?.available).toBe(true);
  });
});

describe('activateBackend', () => {
  it('computes the same matmul on wasm as on cpu', async () => {
    const n = 64;
    const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.37));
    const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.11));
    const product = async (backend: 'cpu' | 'wasm'): Promise<Float32Array> => {
      const tf = await activateBackend(backend);
      expect(tf.getBackend()).toBe(backend);
      return tf.tidy(() => tf.matMul(tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n]))).dataSync() as Float32Array;
    };
    const onCpu = await product('cpu');
    const onWasm = await product('wasm');
    // Reference value computed in float64 for one entry, so both are checked against truth too.
    let expected = 0;
    for (let k = 0; k < n; k++) expected += a[3 * n + k]! * b[k * n + 5]!;
    expect(onCpu[3 * n + 5]).toBeCloseTo(expected, 3);
    for (let i = 0; i < onCpu.length; i++) expect(Math.abs(onWasm[i]! - onCpu[i]!)).toBeLessThan(1e-3);
  });
});
