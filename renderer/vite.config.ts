import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** What the renderer bundles itself (devDependencies at build time) beside the engine's dependencies. */
const RENDERER_BUNDLED = ['react', 'react-dom', 'three', 'marked'];

/** Packages that state their licence by file: what that file says, in short. */
const LICENCE_BY_FILE: Record<string, string> = {
  h5wasm: "NIST software notice (public domain) and HDF5's BSD-style licence",
};

/**
 * The third-party code Cajal ships, with versions and licences, as the About box lists them. Read
 * from node_modules at build time: a packaged app carries no devDependencies to read them from.
 */
function shippedLicences(): { name: string; version: string; licence: string; part: string }[] {
  const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>;
  const project = read('../package.json') as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const entry = (name: string, part: string) => {
    const manifest = read(`../node_modules/${name}/package.json`) as { version: string; license?: unknown };
    // A licence stated by file ("SEE LICENSE IN LICENSE.txt") is named as the package says it.
    const licence = LICENCE_BY_FILE[name] ?? (typeof manifest.license === 'string' ? manifest.license : 'see the package');
    return { name, version: manifest.version, licence, part };
  };
  return [
    entry('electron', 'application shell (with Chromium and Node.js)'),
    ...Object.keys(project.dependencies).map((name) => entry(name, 'engine')),
    ...RENDERER_BUNDLED.map((name) => entry(name, 'interface')),
  ];
}

export default defineConfig({
  root,
  // Relative asset URLs: the same build is loaded from app://cajal/ in Electron and from the bridge.
  base: './',
  plugins: [react()],
  define: { __CAJAL_LICENCES__: JSON.stringify(shippedLicences()) },
  // Icons and other shipped files (assets/ at the repository root) are served as-is.
  publicDir: fileURLToPath(new URL('../assets', import.meta.url)),
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // No inline scripts or eval: the CSP forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // three.js (used by the 3D views: Segmentation, Connectome, Morphology) is one named chunk,
        // loaded with the first of them; without a name it takes that of whichever shared module
        // the bundler puts beside it.
        codeSplitting: { groups: [{ name: 'three', test: /[\\/]node_modules[\\/]three[\\/]/ }] },
      },
    },
  },
});
