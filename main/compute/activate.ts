/**
 * Makes a probed backend the active tfjs backend in this thread (main or a pipeline worker).
 * Each worker thread has its own tfjs instance, so a pipeline calls this at the start of its step.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendName } from '../../shared/api/index.js';

export type Tfjs = typeof import('@tensorflow/tfjs');

const require = createRequire(import.meta.url);

/** Directory of the wasm binaries; tfjs-backend-wasm reads them with fs in Node. */
function wasmDirectory(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + path.sep + 'dist' + path.sep;
}

/** The tfjs backend registry name of each chain entry. */
const TFJS_NAME: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  webgpu: 'webgpu',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

async function registerProvider(backend: BackendName): Promise<void> {
  switch (backend) {
    case 'tensorflow-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      return;
    case 'tensorflow':
      await import('@tensorflow/tfjs-node' as string);
      return;
    case 'webgpu': {
      const dawn = (await import('webgpu')) as unknown as {
        create(options: string[]): unknown;
        globals: Record<string, unknown>;
      };
      // tfjs-backend-webgpu looks for the browser globals; Dawn provides them for Node.
      Object.assign(globalThis, dawn.globals);
      const nav = ((globalThis as { navigator?: object }).navigator ?? {}) as { gpu?: unknown };
      if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: dawn.create([]), configurable: true });
      if (!(globalThis as { navigator?: object }).navigator) {
        Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true });
      }
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmDirectory());
      return;
    }
    case 'cpu':
      return;
  }
}

/** Loads tfjs, registers and activates `backend`, and returns tfjs ready for use. */
export async function activateBackend(backend: BackendName): Promise<Tfjs> {
  const tf = await import('@tensorflow/tfjs');
  await registerProvider(backend);
  const ok = await tf.setBackend(TFJS_NAME[backend]);
  if (!ok) throw new Error(`the ${backend} compute backend failed to initialise`);
  await tf.ready();
  return tf;
}
