/**
 * `cajal seizure improve <project> <detection-run-id> [--scope recording|site]`: "Improve detector
 * from my reviews" from the command line — a seizure-neural-finetune run from the accepted and
 * rejected events of a neural detection run's recording (or of every reviewed recording of the
 * project with --scope site), then its before/after table. The previous model is kept.
 */
import { ValidationError } from '../../errors.js';
import { table } from '../../console/format.js';
import { report, textOnly } from '../../console/output.js';
import type { CliContext } from '../types.js';
import { FINETUNE_PIPELINE, SeizureTriage } from './triage.js';
import type { DetectionFigures as Figures, FinetuneTotals } from '../../../shared/api/index.js';

interface FinetuneResultValue {
  verdict: string;
  baseModelId: number;
  totals: FinetuneTotals;
  lostAccepted: { recordingId: number; onsetS: number; endS: number }[];
}

export async function seizureImprove(projectPath: string, runArg: string, options: { scope?: string }, cli: CliContext): Promise<number> {
  const runId = Number(runArg);
  if (!Number.isInteger(runId) || runId <= 0) throw new ValidationError('run-id', `expected a detection run id, got "${runArg}"`);
  const scope = options.scope ?? 'recording';
  if (scope !== 'recording' && scope !== 'site') throw new ValidationError('--scope', `expected recording or site, got "${scope}"`);
  return cli.withProject(projectPath, { create: false }, async (project) => {
    const params = new SeizureTriage(project.store).improveParams(runId, scope);
    const run = await project.runAndWait(FINETUNE_PIPELINE, null, params);
    if (run.status !== 'succeeded') return 1;
    const value = project.store.results.list(run.id).find((r) => r.key === 'finetune')?.value as FinetuneResultValue;
    const model = project.store.models.ofRun(run.id).find((m) => m.status === 'complete');
    const result = { runId: run.id, modelId: model?.id ?? null, ...value };
    report(cli.io, result, () => {
      const { before, after, heldOutBefore, heldOutAfter } = value.totals;
      const io = textOnly(cli.io);
      io.out(`fine-tune run ${run.id}: model #${result.modelId} from #${value.baseModelId} (kept) — ${value.verdict}`);
      const rows: (string | number)[][] = [
        ['detected events', before.events, after.events],
        ['false alarms', before.falseAlarms, after.falseAlarms],
        ['false alarms / 24 h', before.falseAlarmsPer24h.toFixed(1), after.falseAlarmsPer24h.toFixed(1)],
        ['accepted seizures found', `${before.acceptedFound}/${before.accepted}`, `${after.acceptedFound}/${after.accepted}`],
        ['rejected events still alarmed', `${before.rejectedAlarmed}/${before.rejected}`, `${after.rejectedAlarmed}/${after.rejected}`],
      ];
      if (heldOutBefore && heldOutAfter) {
        rows.push(['held-out accepted found', `${heldOutBefore.acceptedFound}/${heldOutBefore.accepted}`, `${heldOutAfter.acceptedFound}/${heldOutAfter.accepted}`]);
        rows.push(['held-out rejected alarmed', `${heldOutBefore.rejectedAlarmed}/${heldOutBefore.rejected}`, `${heldOutAfter.rejectedAlarmed}/${heldOutAfter.rejected}`]);
      }
      io.out(table(['', 'before', 'after'], rows));
      for (const lost of value.lostAccepted) io.out(`LOST: the new model misses the accepted seizure at ${lost.onsetS}–${lost.endS} s of recording ${lost.recordingId}`);
    });
    return value.lostAccepted.length ? 2 : 0;
  });
}
