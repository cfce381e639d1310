/** Build-time constants and module kinds Vite provides to the renderer (renderer/vite.config.ts). */

/** The third-party code Cajal ships, for the About box: read from node_modules when building. */
declare const __CAJAL_LICENCES__: readonly { name: string; version: string; licence: string; part: string }[];

/** A file's text, bundled by Vite (`import text from './x.md?raw'`). */
declare module '*.md?raw' {
  const text: string;
  export default text;
}
