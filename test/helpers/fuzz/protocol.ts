/** Messages between the fuzz parent (run-case.ts) and its child (child.ts). */
import type { CaseOptions } from './procedures.js';

export interface CaseMessage {
  type: 'case';
  id: number;
  path: string;
  options: CaseOptions;
}

export type ChildReport =
  | { outcome: 'error'; message: string; errorName: string; userError: boolean; stack: string }
  | { outcome: 'accepted'; summary: Record<string, unknown>; warnings: string[] };

export type ChildMessage = { type: 'ready' } | ({ type: 'result'; id: number; elapsedMs: number } & ChildReport);

/** Written to the child's fd 2 before each report: the stderr before it belongs to that case. */
export const caseEndMarker = (id: number): string => `\n<<fuzz-case-end ${id}>>\n`;
