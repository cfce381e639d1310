/**
 * WebGPU through Dawn (the `webgpu` npm package) for tfjs-backend-webgpu, in Node.
 *
 * Adapter policy: a hardware GPU (Vulkan on Linux, Metal on macOS, D3D12 on Windows, high-performance
 * preferred) is used whenever Dawn finds one. A software adapter (Mesa llvmpipe through OpenGL ES,
 * lavapipe or SwiftShader through Vulkan, WARP) is far slower than the wasm backend, so it is used
 * only when asked for — `{ software: true }` or `CAJAL_WEBGPU=software` — and never picked silently by
 * the automatic chain; the chain only mentions that it exists. Software adapters exist for tests and
 * for checking the WebGPU kernels on machines without a GPU.
 *
 * Dawn is loaded lazily, every adapter request has a bounded wait (a hanging driver must not hang
 * start-up), and `releaseWebGpu` drops every reference to the Dawn instance so the process can exit.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { KernelBackend } from '@tensorflow/tfjs';
import { classifyImportFailure, firstLine } from './import-failure.js';
import type { ModuleImporter } from './types.js';

export interface WebGpuOptions {
  /**
   * Allow a software adapter when no hardware GPU is found. Defaults to `CAJAL_WEBGPU=software`.
   * A hardware GPU is still preferred when both exist.
   */
  software?: boolean;
  /** Bounded wait for each adapter request, in milliseconds (default 10 s). */
  adapterTimeoutMs?: number;
  /** Replaces `import('webgpu')` (tests). */
  importModule?: ModuleImporter;
}

/** The Dawn backend an adapter came from. */
export type DawnBackend = 'vulkan' | 'metal' | 'd3d12' | 'opengles';

/** The adapter limits that bound what tfjs-backend-webgpu can run (largest tensor, shader shape). */
export interface WebGpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxStorageBuffersPerShaderStage: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
}

export interface WebGpuAdapterReport {
  /** Human name, e.g. "NVIDIA GeForce RTX 4090" or "llvmpipe-llvm-15-0-6-256-bits". */
  name: string;
  /** Driver description when it says more than the name, e.g. "OpenGL ES 3.2 Mesa 22.3.6". */
  description: string;
  vendor: string;
  architecture: string;
  backend: DawnBackend;
  /** A CPU implementation (llvmpipe, lavapipe, SwiftShader, WARP) rather than a GPU. */
  software: boolean;
  /** Dawn's OpenGL ES backend only offers WebGPU's reduced "compatibility" feature level. */
  featureLevel: 'core' | 'compatibility';
  limits: WebGpuLimits;
}

export interface WebGpuSearch {
  /** The adapter these options would use, or null. */
  adapter: WebGpuAdapterReport | null;
  /** A software adapter that was found, whether or not the options allow it. */
  softwareAdapter: WebGpuAdapterReport | null;
  softwareAllowed: boolean;
  /** One line saying which adapter is used and why, or why none is. */
  detail: string;
}

/** No usable adapter; `detail` is the one line a user can act on. */
export class WebGpuUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(`WebGPU is unavailable: ${detail}`);
    this.name = 'WebGpuUnavailableError';
  }
}

// ---- the parts of Dawn's WebGPU objects we use (structural, so tests can fake them) ----

interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

interface DawnDevice {
  destroy(): void;
  lost?: Promise<{ reason?: string; message?: string }>;
  addEventListener?(type: 'uncapturederror', listener: (event: { error?: { message?: string } }) => void): void;
}

interface DawnAdapter {
  info?: DawnAdapterInfo;
  isFallbackAdapter?: boolean;
  features?: { has(name: string): boolean };
  limits?: Partial<Record<keyof WebGpuLimits | string, number>>;
  requestDevice(descriptor?: object): Promise<DawnDevice>;
}

interface DawnGpu {
  requestAdapter(options?: object): Promise<DawnAdapter | null>;
}

interface DawnModule {
  create(options: string[]): DawnGpu;
  globals?: Record<string, unknown>;
}

interface AdapterRequest {
  backend: DawnBackend;
  /** Options for Dawn's `create`. */
  createOptions: string[];
  requestOptions: { powerPreference?: 'high-performance'; featureLevel?: 'compatibility' };
}

interface OpenedAdapter {
  report: WebGpuAdapterReport;
  gpu: DawnGpu;
  adapter: DawnAdapter;
}

const DEFAULT_ADAPTER_TIMEOUT_MS = 10_000;
const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/** True when `CAJAL_WEBGPU=software` allows a software adapter. */
export function softwareRequestedByEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CAJAL_WEBGPU?.trim().toLowerCase() === 'software';
}

function softwareSource(options: WebGpuOptions): string {
  return options.software === undefined || softwareRequestedByEnv() ? 'CAJAL_WEBGPU=software' : 'the software option';
}

function resolveOptions(options: WebGpuOptions): Required<Omit<WebGpuOptions, 'importModule'>> & {
  importModule: ModuleImporter;
} {
  return {
    software: options.software ?? softwareRequestedByEnv(),
    adapterTimeoutMs: options.adapterTimeoutMs ?? DEFAULT_ADAPTER_TIMEOUT_MS,
    importModule: options.importModule ?? ((specifier) => import(specifier)),
  };
}

/** Dawn's native backend on this platform when it is given no `backend=` option. */
function platformBackend(): DawnBackend {
  if (process.platform === 'darwin') return 'metal';
  if (process.platform === 'win32') return 'd3d12';
  return 'vulkan';
}

const BACKEND_LABEL: Record<DawnBackend, string> = {
  vulkan: 'Vulkan',
  metal: 'Metal',
  d3d12: 'D3D12',
  opengles: 'OpenGL ES',
};

/** The platform's GPU first; on Linux, Mesa's OpenGL ES (llvmpipe) as the software route. */
function adapterRequests(includeSoftwareRoute: boolean): AdapterRequest[] {
  const requests: AdapterRequest[] = [
    { backend: platformBackend(), createOptions: [], requestOptions: { powerPreference: 'high-performance' } },
  ];
  // Mesa 22's lavapipe lacks a Vulkan feature Dawn requires (shaderUniform*ArrayDynamicIndexing), so
  // llvmpipe through OpenGL ES is the software adapter that works on Debian 12; Dawn's GL backends
  // only offer the compatibility feature level.
  if (includeSoftwareRoute && process.platform === 'linux') {
    requests.push({
      backend: 'opengles',
      createOptions: ['backend=opengles'],
      requestOptions: { featureLevel: 'compatibility' },
    });
  }
  return requests;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function limitsOf(adapter: DawnAdapter): WebGpuLimits {
  const limit = (key: keyof WebGpuLimits): number => {
    const value = adapter.limits?.[key];
    return typeof value === 'number' ? value : 0;
  };
  return {
    maxBufferSize: limit('maxBufferSize'),
    maxStorageBufferBindingSize: limit('maxStorageBufferBindingSize'),
    maxStorageBuffersPerShaderStage: limit('maxStorageBuffersPerShaderStage'),
    maxComputeWorkgroupStorageSize: limit('maxComputeWorkgroupStorageSize'),
    maxComputeInvocationsPerWorkgroup: limit('maxComputeInvocationsPerWorkgroup'),
  };
}

/** Describes a Dawn adapter; exported for tests. */
export function describeAdapter(adapter: DawnAdapter, request: Pick<AdapterRequest, 'backend' | 'requestOptions'>): WebGpuAdapterReport {
  const info = adapter.info ?? {};
  const vendor = text(info.vendor);
  const architecture = text(info.architecture);
  // Dawn puts the product name in `device` ("NVIDIA GeForce RTX 3080"; for GL the renderer,
  // sanitised: "llvmpipe-llvm-15-0-6-256-bits-") and the driver in `description`
  // ("OpenGL version OpenGL ES 3.2 Mesa 22.3.6").
  const device = text(info.device).replace(/-+$/, '');
  const description = text(info.description).replace(/^OpenGL version /, '');
  const name = device || description || [vendor, architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  const software =
    info.isFallbackAdapter === true ||
    adapter.isFallbackAdapter === true ||
    [vendor, architecture, device, description].some((field) => SOFTWARE_NAMES.test(field));
  const core = adapter.features?.has('core-features-and-limits') ?? false;
  const featureLevel = core || request.requestOptions.featureLevel !== 'compatibility' ? 'core' : 'compatibility';
  return {
    name,
    description: description === name ? '' : description,
    vendor,
    architecture,
    backend: request.backend,
    software,
    featureLevel,
    limits: limitsOf(adapter),
  };
}

/** One-line summary of an adapter for reports. */
export function adapterSummary(report: WebGpuAdapterReport): string {
  const parts = [report.description, `Dawn ${BACKEND_LABEL[report.backend]}`];
  if (report.featureLevel === 'compatibility') parts.push('compatibility feature level');
  return `${report.name} (${parts.filter(Boolean).join(', ')})`;
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** The limits that bound tfjs-backend-webgpu, in one line: the largest tensor is the binding size. */
export function formatWebGpuLimits(report: WebGpuAdapterReport): string {
  const { limits } = report;
  return (
    `webgpu adapter limits: buffer ${mebibytes(limits.maxBufferSize)}, storage binding ${mebibytes(limits.maxStorageBufferBindingSize)} ` +
    `(largest tensor ${Math.floor(limits.maxStorageBufferBindingSize / 4).toLocaleString('en-US')} float32), ` +
    `${limits.maxStorageBuffersPerShaderStage} storage buffers per shader, workgroup ${limits.maxComputeInvocationsPerWorkgroup} invocations / ` +
    `${limits.maxComputeWorkgroupStorageSize / 1024} KiB shared`
  );
}

async function loadDawn(importModule: ModuleImporter): Promise<DawnModule> {
  try {
    return (await importModule('webgpu')) as DawnModule;
  } catch (error) {
    throw new WebGpuUnavailableError(`the webgpu (Dawn) package ${classifyImportFailure('webgpu', error)}`);
  }
}

const TIMED_OUT = Symbol('timed out');

/**
 * Mesa's EGL needs EGL_PLATFORM=surfaceless to open a display without X11/Wayland. Only looking
 * (software not allowed), it is set around the request (Mesa reads it when Dawn initialises EGL) and
 * removed afterwards, so child processes — Electron's GPU process above all — do not inherit it.
 * When software is allowed in the main thread it stays set: a worker thread's process.env is a
 * private copy that native code never sees, so workers rely on the main thread having set it.
 */
async function withSurfacelessEgl<T>(keep: boolean, body: () => Promise<T>): Promise<T> {
  if (process.platform !== 'linux' || process.env.EGL_PLATFORM !== undefined) return body();
  process.env.EGL_PLATFORM = 'surfaceless';
  if (keep && isMainThread) return body();
  try {
    return await body();
  } finally {
    delete process.env.EGL_PLATFORM;
  }
}

async function requestAdapter(
  dawn: DawnModule,
  request: AdapterRequest,
  timeoutMs: number,
  softwareAllowed: boolean,
): Promise<{ gpu: DawnGpu; adapter: DawnAdapter } | string> {
  const attempt = async (): Promise<{ gpu: DawnGpu; adapter: DawnAdapter } | string> => {
    let gpu: DawnGpu;
    try {
      gpu = dawn.create(request.createOptions);
    } catch (error) {
      return `Dawn failed to start its ${BACKEND_LABEL[request.backend]} backend: ${firstLine(error)}`;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const adapter = await Promise.race([
        gpu.requestAdapter(request.requestOptions),
        new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
          timer.unref();
        }),
      ]);
      if (adapter === TIMED_OUT) return `no ${BACKEND_LABEL[request.backend]} adapter answered within ${timeoutMs / 1000} s`;
      if (!adapter) return `no ${BACKEND_LABEL[request.backend]} adapter`;
      return { gpu, adapter };
    } catch (error) {
      return `Dawn's ${BACKEND_LABEL[request.backend]} adapter request failed: ${firstLine(error)}`;
    } finally {
      clearTimeout(timer);
    }
  };
  return request.backend === 'opengles' ? withSurfacelessEgl(softwareAllowed, attempt) : attempt();
}

function libraryDirectories(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return [...fromEnv, `/usr/lib/${arch}`, `/lib/${arch}`, '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib'];
}

function hasVulkanDriverManifest(): boolean {
  const explicit = [process.env.VK_DRIVER_FILES, process.env.VK_ICD_FILENAMES].filter(Boolean).join(':');
  if (explicit) return explicit.split(':').some((file) => file && existsSync(file));
  const dirs = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
  return dirs.some((dir) => safeReaddir(dir).some((file) => file.endsWith('.json')));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Why Dawn found no Vulkan GPU on Linux, when the filesystem says: Dawn only prints the reason to
 * stderr ("Couldn't load Vulkan"), so the report names the missing piece itself.
 */
export function vulkanHint(): string {
  if (process.platform !== 'linux') return '';
  if (!libraryDirectories().some((dir) => existsSync(path.join(dir, 'libvulkan.so.1')))) {
    return 'libvulkan.so.1 not found: install the Vulkan loader (Debian/Ubuntu: libvulkan1) and the GPU vendor\'s Vulkan driver';
  }
  if (!hasVulkanDriverManifest()) {
    return 'no Vulkan driver manifest in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d (NVIDIA: nvidia_icd.json from its driver, e.g. libnvidia-gl-<version>; AMD/Intel: mesa-vulkan-drivers)';
  }
  return 'Dawn sees no Vulkan GPU';
}

function noGpuReason(failure: string): string {
  if (failure !== 'no Vulkan adapter') return failure;
  return vulkanHint() || failure;
}

/**
 * Opens the adapter the options allow, keeping the Dawn objects (for `installWebGpu`), and reports
 * any software adapter seen on the way.
 */
async function openAdapter(
  dawn: DawnModule,
  software: boolean,
  timeoutMs: number,
  lookForSoftware: boolean,
  allowedBy = 'CAJAL_WEBGPU=software',
): Promise<{ opened: OpenedAdapter | null; softwareAdapter: WebGpuAdapterReport | null; detail: string }> {
  /** Why the platform's own backend (Vulkan/Metal/D3D12) gave no adapter, if it gave none. */
  let platformFailure: string | null = null;
  let softwareAdapter: WebGpuAdapterReport | null = null;
  for (const request of adapterRequests(software || lookForSoftware)) {
    const result = await requestAdapter(dawn, request, timeoutMs, software);
    if (typeof result === 'string') {
      if (request.backend !== 'opengles') platformFailure = result;
      continue;
    }
    const report = describeAdapter(result.adapter, request);
    if (!report.software) {
      return { opened: { report, ...result }, softwareAdapter, detail: `GPU adapter ${adapterSummary(report)}` };
    }
    softwareAdapter ??= report;
    if (software) {
      return {
        opened: { report, ...result },
        softwareAdapter,
        detail: `software adapter ${adapterSummary(report)}, allowed by ${allowedBy}; far slower than a GPU`,
      };
    }
    // A software adapter found but not allowed: drop it and keep looking for a GPU.
  }
  const reason = platformFailure ? ` (${noGpuReason(platformFailure)})` : '';
  const eglHint =
    !isMainThread && process.platform === 'linux' && process.env.EGL_PLATFORM === undefined
      ? ' (in a worker thread the software route needs EGL_PLATFORM=surfaceless set in the process environment)'
      : '';
  let detail: string;
  if (softwareAdapter) {
    detail = `no GPU adapter${reason}; a software adapter, ${adapterSummary(softwareAdapter)}, is available with CAJAL_WEBGPU=software`;
  } else if (software || lookForSoftware) {
    detail = `no GPU adapter${reason}, and no software adapter either${eglHint}`;
  } else {
    detail = `no GPU adapter${reason}`;
  }
  return { opened: null, softwareAdapter, detail };
}

/**
 * Looks for the adapter the options allow, without keeping it: what `cajal backend` and the chain
 * probe report. When no GPU is found it also looks for a software adapter, so the report can say
 * that one is available on request.
 */
export async function searchWebGpuAdapters(options: WebGpuOptions = {}): Promise<WebGpuSearch> {
  const resolved = resolveOptions(options);
  let dawn: DawnModule;
  try {
    dawn = await loadDawn(resolved.importModule);
  } catch (error) {
    const detail = error instanceof WebGpuUnavailableError ? error.detail : firstLine(error);
    return { adapter: null, softwareAdapter: null, softwareAllowed: resolved.software, detail };
  }
  const found = await openAdapter(dawn, resolved.software, resolved.adapterTimeoutMs, true, softwareSource(options));
  return {
    adapter: found.opened?.report ?? null,
    softwareAdapter: found.softwareAdapter,
    softwareAllowed: resolved.software,
    detail: found.detail,
  };
}

/** The adapter the options allow; rejects with `WebGpuUnavailableError` saying why there is none. */
export async function findWebGpuAdapter(options: WebGpuOptions = {}): Promise<WebGpuAdapterReport> {
  const search = await searchWebGpuAdapters(options);
  if (!search.adapter) throw new WebGpuUnavailableError(search.detail);
  return search.adapter;
}

// ---- installing the tfjs backend ----

interface Installed {
  report: WebGpuAdapterReport;
  software: boolean;
  tf: typeof import('@tensorflow/tfjs');
  device: DawnDevice | null;
  /** Whether we created `globalThis.navigator` (Node 20 has none) or only added `gpu` to it. */
  createdNavigator: boolean;
}

let installed: Installed | null = null;
let installing: Promise<WebGpuAdapterReport> | null = null;

/** The adapter tfjs-backend-webgpu is bound to in this thread, or null. */
export function installedWebGpuAdapter(): WebGpuAdapterReport | null {
  return installed?.report ?? null;
}

type NavigatorHolder = { navigator?: { gpu?: unknown } };

/** tfjs-backend-webgpu checks `navigator.gpu` when it loads and when its backend is constructed. */
function exposeGpu(gpu: DawnGpu): boolean {
  const holder = globalThis as NavigatorHolder;
  const created = holder.navigator === undefined;
  if (created) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  return created;
}

/** The adapter limits tfjs needs raised above WebGPU's defaults (compatibility defaults are lower still). */
const REQUIRED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  // Compatibility mode defaults to 4 storage buffers per stage; concat/addN of more inputs need more.
  'maxStorageBuffersPerShaderStage',
] as const;

const MAX_REPORTED_ERRORS = 5;

async function createDevice(adapter: DawnAdapter): Promise<DawnDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const key of REQUIRED_LIMITS) {
    const value = adapter.limits?.[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  // tfjs-backend-webgpu times kernels with timestamp queries when the adapter has them (as its own factory does).
  const requiredFeatures = adapter.features?.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  // Validation errors would otherwise be silent and leave wrong numbers in tensors.
  let reported = 0;
  device.addEventListener?.('uncapturederror', (event) => {
    if (reported++ < MAX_REPORTED_ERRORS) console.warn(`cajal webgpu: ${event.error?.message ?? 'unknown device error'}`);
  });
  void device.lost?.then((info) => {
    if (info.reason !== 'destroyed') console.warn(`cajal webgpu: device lost (${info.message ?? info.reason ?? 'no reason given'})`);
  });
  return device;
}

/**
 * Registers tfjs-backend-webgpu as the tfjs backend `webgpu` in this thread, bound to the adapter
 * the options allow (its own factory would request a default adapter, which on this machine is none
 * — the software adapter needs `featureLevel: 'compatibility'` and a GLES Dawn instance). Does not
 * make it the active backend (`activateBackend` does). Idempotent for the same options.
 */
export async function installWebGpu(options: WebGpuOptions = {}): Promise<WebGpuAdapterReport> {
  const resolved = resolveOptions(options);
  if (installed && installed.software === resolved.software) return installed.report;
  if (installing) {
    await installing.catch(() => undefined);
    if (installed && installed.software === resolved.software) return installed.report;
  }
  const run = async (): Promise<WebGpuAdapterReport> => {
    releaseWebGpu();
    const dawn = await loadDawn(resolved.importModule);
    const found = await openAdapter(dawn, resolved.software, resolved.adapterTimeoutMs, false, softwareSource(options));
    if (!found.opened) throw new WebGpuUnavailableError(found.detail);
    const { report, gpu, adapter } = found.opened;
    // GPUBufferUsage, GPUMapMode, … are browser globals that tfjs-backend-webgpu uses directly.
    Object.assign(globalThis, dawn.globals ?? {});
    const createdNavigator = exposeGpu(gpu);
    const tf = await import('@tensorflow/tfjs');
    const { WebGPUBackend } = (await import('@tensorflow/tfjs-backend-webgpu')) as unknown as {
      WebGPUBackend: new (device: DawnDevice, adapterInfo: DawnAdapterInfo | undefined) => KernelBackend;
    };
    const state: Installed = { report, software: resolved.software, tf, device: null, createdNavigator };
    // Loading the package registered its own factory if navigator.gpu existed; replace it with ours.
    if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
    // Priority 0: Cajal's chain picks the backend, never tfjs's priority order.
    tf.registerBackend(
      'webgpu',
      async () => {
        state.device = await createDevice(adapter);
        return new WebGPUBackend(state.device, adapter.info);
      },
      0,
    );
    installed = state;
    return report;
  };
  installing = run();
  try {
    return await installing;
  } finally {
    installing = null;
  }
}

/**
 * Undoes `installWebGpu`: removes the tfjs backend (freeing its buffers; if it was active, tfjs
 * falls back to the next registered backend), destroys the device and drops `navigator.gpu`, the
 * last reference to the Dawn instance, which otherwise can keep the process alive.
 */
export function releaseWebGpu(): void {
  const state = installed;
  if (!state) return;
  installed = null;
  if (state.tf.findBackend('webgpu') || state.tf.findBackendFactory('webgpu')) state.tf.removeBackend('webgpu');
  state.device?.destroy();
  state.device = null;
  const holder = globalThis as NavigatorHolder;
  if (state.createdNavigator) delete holder.navigator;
  else if (holder.navigator) delete holder.navigator.gpu;
}
