// Types for check-node.mjs (run by .ci/run before `npm ci`).
export function satisfies(version: string, range: string): boolean;
