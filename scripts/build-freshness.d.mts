// Types for build-freshness.mjs (a plain script `npm start` runs before anything is built).
export interface BuildPart {
  name: string;
  script: string;
  sources: string[];
  output: string;
}
export const BUILD_PARTS: BuildPart[];
export function newestMtime(path: string): number;
export function staleParts(root: string, parts?: readonly BuildPart[]): BuildPart[];
