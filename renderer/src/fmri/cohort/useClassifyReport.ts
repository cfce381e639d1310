/**
 * A classify run's report: the `report` result of a succeeded `fmri-classify` run, checked against
 * the contract's schema (a stored result is data from disk, not trusted to have the shape).
 */
import { useEffect, useState } from 'react';
import { ClassifierReport, ConnectivityKind, type Run, type RunResult } from '../../../../shared/api/index.js';
import { KIND_UNITS } from '../series/format.js';
import { errorMessage, useApi } from '../../api/context.js';

export const CLASSIFY_PIPELINE = 'fmri-classify';

/** The report among a run's results, or why not. */
export function reportOf(results: readonly RunResult[]): { report: ClassifierReport | null; error: string | null } {
  const stored = results.find((result) => result.key === 'report');
  if (!stored) return { report: null, error: 'This run stored no report.' };
  const parsed = ClassifierReport.safeParse(stored.value);
  return parsed.success ? { report: parsed.data, error: null } : { report: null, error: `The stored report is not a classifier report: ${parsed.error.issues[0]?.message ?? 'bad shape'}` };
}

/** How the report names its run: "Run 2, tangent-space connectivity features" (the kind is a run parameter, not in the report). */
export function classifyRunLabel(run: Run): string {
  const kind = ConnectivityKind.safeParse(run.params['kind'] ?? 'tangent');
  return kind.success ? `Run ${run.id}, ${KIND_UNITS[kind.data].name} features` : `Run ${run.id}`;
}

/** The newest succeeded classify run of a cohort recording. */
export function latestClassifyRun(runs: readonly Run[], recordingId: number): Run | null {
  return runs.filter((run) => run.pipeline === CLASSIFY_PIPELINE && run.recordingId === recordingId && run.status === 'succeeded').sort((a, b) => b.id - a.id)[0] ?? null;
}

export function useClassifyReport(runId: number | null): { report: ClassifierReport | null; error: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ report: ClassifierReport | null; error: string | null }>({ report: null, error: null });
  useEffect(() => {
    setState({ report: null, error: null });
    if (runId === null) return;
    let current = true;
    api.call('runs.results', { runId }).then(
      (results) => current && setState(reportOf(results)),
      (failure: unknown) => current && setState({ report: null, error: errorMessage(failure) }),
    );
    return () => {
      current = false;
    };
  }, [api, runId]);
  return state;
}
