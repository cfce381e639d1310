import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  activateBackend,
  classifyImportFailure,
  findWebGpuAdapter,
  formatBackendReport,
  formatWebGpuLimits,
  searchWebGpuAdapters,
  selectBackend,
  softwareRequestedByEnv,
  WebGpuUnavailableError,
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

/** A Dawn adapter as `webgpu` reports it: only `info`, `features` and `limits` are read by the probe. */
function fakeAdapter(info: Record<string, unknown>, features: string[] = ['core-features-and-limits']): unknown {
  return {
    info,
    features: new Set(features),
    limits: { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27, maxStorageBuffersPerShaderStage: 8 },
    requestDevice: async () => ({ destroy: () => undefined }),
  };
}

const NVIDIA = fakeAdapter({ vendor: 'nvidia', architecture: 'ampere', device: 'NVIDIA GeForce RTX 3080', description: 'NVIDIA 550.54.14' });
const LLVMPIPE = fakeAdapter(
  { vendor: '', architecture: '', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'OpenGL version OpenGL ES 3.2 Mesa 22.3.6' },
  ['float32-blendable'],
);
const LAVAPIPE = fakeAdapter({ vendor: 'mesa', architecture: '', device: 'llvmpipe (LLVM 19.1.7, 256 bits)', description: 'llvmpipe Mesa 25.0.7' });

/** What Dawn answers per backend: its platform default (Vulkan here) and OpenGL ES. */
interface FakeDawn {
  vulkan?: unknown;
  opengles?: unknown;
  /** Options each `create` was called with, in order. */
  created?: string[][];
}

/** An importer where the listed specifiers fail with the given error and everything else loads. */
function importerFailing(failures: Record<string, Error>, dawn: FakeDawn = {}): ModuleImporter {
  return async (specifier) => {
    const failure = failures[specifier];
    if (failure) throw failure;
    if (specifier === 'webgpu') {
      return {
        create: (options: string[]) => {
          dawn.created?.push(options);
          const adapter = options.includes('backend=opengles') ? dawn.opengles : dawn.vulkan;
          return { requestAdapter: async () => adapter ?? null };
        },
      };
    }
    return {};
  };
}

const NO_NATIVE = { '@tensorflow/tfjs-node-gpu': GPU_PACKAGE_MISSING, '@tensorflow/tfjs-node': PACKAGE_MISSING };

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

  it('prefers CUDA, then a hardware WebGPU adapter, when present', async () => {
    expect((await selectBackend({ importModule: importerFailing({}) })).selected).toBe('tensorflow-gpu');
    const created: string[][] = [];
    const webgpu = await selectBackend({
      importModule: importerFailing({ '@tensorflow/tfjs-node-gpu': GPU_PACKAGE_MISSING }, { vulkan: NVIDIA, created }),
    });
    expect(webgpu.selected).toBe('webgpu');
    expect(webgpu.chain[1]?.detail).toBe('GPU adapter NVIDIA GeForce RTX 3080 (NVIDIA 550.54.14, Dawn Vulkan)');
    // A GPU answered, so the software route was not even opened.
    expect(created).toEqual([[]]);
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

describe('webgpu adapter policy', () => {
  const onLinux = process.platform === 'linux';

  it('never picks a software adapter in the automatic chain, but says one is available', async (ctx) => {
    if (!onLinux) ctx.skip('the OpenGL ES software route is Linux-only');
    const report = await selectBackend({ importModule: importerFailing(NO_NATIVE, { opengles: LLVMPIPE }), webgpu: { software: false } });
    expect(report.selected).toBe('wasm');
    const webgpu = report.chain[1]!;
    expect(webgpu.available).toBe(false);
    expect(webgpu.detail).toMatch(/^no GPU adapter \(.+\); a software adapter, llvmpipe-llvm-15-0-6-256-bits \(OpenGL ES 3\.2 Mesa 22\.3\.6, Dawn OpenGL ES, compatibility feature level\), is available with CAJAL_WEBGPU=software$/);
    expect(formatBackendReport(report)).toMatch(/^✗ webgpu .*CAJAL_WEBGPU=software/m);
  });

  it('uses the software adapter when asked, by option or by CAJAL_WEBGPU=software', async (ctx) => {
    if (!onLinux) ctx.skip('the OpenGL ES software route is Linux-only');
    const importModule = importerFailing(NO_NATIVE, { opengles: LLVMPIPE });
    const byOption = await selectBackend({ importModule, webgpu: { software: true } });
    expect(byOption.selected).toBe('webgpu');
    expect(byOption.chain[1]?.detail).toMatch(/^software adapter llvmpipe.*compatibility feature level\), allowed by the software option; far slower than a GPU$/);
    const saved = process.env.CAJAL_WEBGPU;
    process.env.CAJAL_WEBGPU = 'software';
    try {
      expect(softwareRequestedByEnv()).toBe(true);
      const byEnv = await selectBackend({ importModule });
      expect(byEnv.selected).toBe('webgpu');
      expect(byEnv.chain[1]?.detail).toMatch(/allowed by CAJAL_WEBGPU=software/);
    } finally {
      if (saved === undefined) delete process.env.CAJAL_WEBGPU;
      else process.env.CAJAL_WEBGPU = saved;
    }
  });

  it('treats a software Vulkan adapter (lavapipe) like any software adapter', async () => {
    const search = await searchWebGpuAdapters({ importModule: importerFailing({}, { vulkan: LAVAPIPE }), software: false });
    expect(search.adapter).toBeNull();
    expect(search.softwareAdapter).toMatchObject({ software: true, backend: 'vulkan', featureLevel: 'core' });
    expect(search.detail).toBe(
      'no GPU adapter; a software adapter, llvmpipe (LLVM 19.1.7, 256 bits) (llvmpipe Mesa 25.0.7, Dawn Vulkan), is available with CAJAL_WEBGPU=software',
    );
    const allowed = await searchWebGpuAdapters({ importModule: importerFailing({}, { vulkan: LAVAPIPE }), software: true });
    expect(allowed.adapter?.software).toBe(true);
  });

  it('recognises software adapters by name or fallback flag, and reports the limits', async () => {
    const swiftshader = fakeAdapter({ vendor: 'google', device: 'SwiftShader Device (Subzero)', description: '' });
    const fallback = fakeAdapter({ vendor: 'x', description: 'Some Adapter', isFallbackAdapter: true });
    for (const adapter of [swiftshader, fallback]) {
      const search = await searchWebGpuAdapters({ importModule: importerFailing({}, { vulkan: adapter }), software: true });
      expect(search.adapter?.software).toBe(true);
    }
    const hardware = await findWebGpuAdapter({ importModule: importerFailing({}, { vulkan: NVIDIA }) });
    expect(hardware).toMatchObject({ name: 'NVIDIA GeForce RTX 3080', software: false, vendor: 'nvidia', featureLevel: 'core' });
    expect(hardware.limits).toMatchObject({ maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27, maxStorageBuffersPerShaderStage: 8 });
    expect(formatWebGpuLimits(hardware)).toMatch(/^webgpu adapter limits: buffer 256 MiB, storage binding 128 MiB \(largest tensor 33,554,432 float32\), 8 storage buffers per shader/);
  });

  it('gives up on an adapter request that never answers, and explains a missing Dawn', async () => {
    const hanging: ModuleImporter = async () => ({ create: () => ({ requestAdapter: () => new Promise(() => undefined) }) });
    const started = Date.now();
    const search = await searchWebGpuAdapters({ importModule: hanging, adapterTimeoutMs: 50, software: true });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(search.adapter).toBeNull();
    expect(search.detail).toMatch(/adapter answered within 0\.05 s/);
    const missing = await searchWebGpuAdapters({ importModule: importerFailing({ webgpu: errorWithCode("Cannot find package 'webgpu' imported from x", 'ERR_MODULE_NOT_FOUND') }) });
    expect(missing.detail).toBe('the webgpu (Dawn) package not installed');
    await expect(findWebGpuAdapter({ importModule: hanging, adapterTimeoutMs: 10 })).rejects.toBeInstanceOf(WebGpuUnavailableError);
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
