/**
 * What a domain contributes to Runs: a summary of its pipelines' results (tables, small plots) and
 * the view that shows them in full. The list is renderer/src/results.ts, as views.ts is for views:
 * Runs loops over it and names no domain; a result no entry claims gets the generic key/value table.
 */
import type { ComponentType } from 'react';
import type { Run, RunResult } from '../../../shared/api/index.js';
import type { AppContext, NavigateTarget } from './viewProps.js';

export interface ResultSummaryProps {
  run: Run;
  /** The run's stored results (loaded once it has succeeded). */
  results: readonly RunResult[];
  app: AppContext;
}

export interface LiveSummaryProps {
  run: Run;
  app: AppContext;
}

export interface ResultSummaryEntry {
  /** The pipelines whose results it summarises, by name. */
  pipelines: readonly string[];
  component: ComponentType<ResultSummaryProps>;
  /**
   * What to show while a run has no results yet or stopped without them (running, cancelled,
   * interrupted, failed): e.g. a training run's curves from its latest checkpoint.
   */
  live?: ComponentType<LiveSummaryProps>;
  /** The view that shows a run of these pipelines in full: its id, the button, what to select there. */
  opens?: { viewId: string; action: string; target(run: Run): NavigateTarget };
}

/** The result stored under `key`, if the run has one. */
export function resultValue(results: readonly RunResult[], key: string): unknown {
  return results.find((result) => result.key === key)?.value;
}
