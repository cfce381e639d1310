/**
 * The Neuroformer evaluation in words: which method predicts held-out spikes best (the trained
 * model against its random-init twin and the Poisson GLM), how close generated PSTHs come to the
 * recorded ones against the split-half reliability ceiling, and whether attention recovers the
 * simulated wiring better than the cross-correlogram and GLM baselines. The tables show the
 * numbers; these sentences say what they mean, so nobody has to read the comparison off raw scores.
 */
import type { NeuroformerConnectivityScores, NeuroformerEvaluation, NeuroformerPredictionRow, NeuroformerPsthRow } from '../../../shared/api/index.js';

export type MethodRole = 'model' | 'random-init' | 'glm' | 'ccg' | 'other';

/** What a method string names, whatever its spelling ('neuroformer (random init)', 'poisson-glm', 'ccg', 'attention'…). */
export function methodRole(method: string): MethodRole {
  const m = method.toLowerCase();
  if (/random/.test(m)) return 'random-init';
  if (/glm/.test(m)) return 'glm';
  if (/ccg|correlogram/.test(m)) return 'ccg';
  if (/neuroformer|attention|model|rollout/.test(m)) return 'model';
  return 'other';
}

/**
 * The name a reader knows a method by: the engine's string with its first letter capitalised, the
 * bare names spelled out ('neuroformer' → 'Neuroformer (trained)', 'poisson-glm' → 'Poisson GLM').
 * Qualifiers in brackets are kept: two attention variants must not read the same.
 */
export function methodName(method: string): string {
  const m = method.trim();
  if (/^neuroformer$/i.test(m)) return 'Neuroformer (trained)';
  if (/^poisson-glm$/i.test(m)) return 'Poisson GLM';
  if (/^ccg$/i.test(m)) return 'Cross-correlogram peak';
  return m.charAt(0).toUpperCase() + m.slice(1);
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');

function byRole<T extends { method: string }>(rows: readonly T[], role: MethodRole): T | undefined {
  return rows.find((row) => methodRole(row.method) === role);
}

/** "beats … by 0.12" / "loses to …" / "ties with …" (|difference| under `tie`). */
function compare(name: string, a: number, other: string, b: number, score: string, tie = 0.005): string {
  const d = a - b;
  if (!Number.isFinite(d)) return `${name} and ${other} cannot be compared on ${score}`;
  if (Math.abs(d) < tie) return `${name} ties with ${other} on ${score} (${f3(a)} vs ${f3(b)})`;
  return `${name} ${d > 0 ? 'beats' : 'loses to'} ${other} on ${score} (${f3(a)} vs ${f3(b)})`;
}

export function predictionVerdict(rows: readonly NeuroformerPredictionRow[]): string[] {
  if (rows.length === 0) return [];
  const lines: string[] = [];
  const best = [...rows].sort((a, b) => b.f1 - a.f1)[0]!;
  lines.push(`Best spike-prediction F1 on the held-out blocks: ${methodName(best.method)}, ${f3(best.f1)}.`);
  const model = byRole(rows, 'model');
  const random = byRole(rows, 'random-init');
  const glm = byRole(rows, 'glm');
  if (model && random) lines.push(`${compare(methodName(model.method), model.f1, methodName(random.method), random.f1, 'F1')}: ${model.f1 - random.f1 > 0.005 ? 'training taught the model something' : 'training did not help yet'}.`);
  if (model && glm) lines.push(`${compare(methodName(model.method), model.f1, methodName(glm.method), glm.f1, 'F1')} (the paper: 0.364 vs 0.150 on its V1/AL data).`);
  if (model?.corrected && glm?.corrected) lines.push(`With the corrected (textbook) F1: ${compare(methodName(model.method), model.corrected.f1, methodName(glm.method), glm.corrected.f1, 'F1')}.`);
  return lines;
}

export function psthVerdict(psth: { ceilingMeanR: number; rows: readonly NeuroformerPsthRow[]; trials: number; eventSet: string }): string[] {
  if (psth.rows.length === 0) return [];
  const best = [...psth.rows].sort((a, b) => b.meanR - a.meanR)[0]!;
  const ceiling = psth.ceilingMeanR;
  const share = ceiling > 0 ? best.meanR / ceiling : Number.NaN;
  const lines = [
    `Best PSTH correlation with the recording: ${methodName(best.method)}, mean r ${f3(best.meanR)} against a reliability ceiling of ${f3(ceiling)} (split-half of ${psth.trials} recorded ${psth.eventSet})${
      !Number.isFinite(share) ? '' : best.meanR <= 0.05 ? ': no stimulus-locked response yet (r near or below 0)' : `: ${Math.round(share * 100)} % of what the data's own repeatability allows`
    }.`,
  ];
  const model = byRole(psth.rows, 'model');
  const glm = byRole(psth.rows, 'glm');
  if (model && glm) lines.push(`${compare(methodName(model.method), model.meanR, methodName(glm.method), glm.meanR, 'PSTH r', 0.01)}.`);
  return lines;
}

export function connectivityVerdict(scores: readonly NeuroformerConnectivityScores[]): string[] {
  if (scores.length === 0) return [];
  const lines: string[] = [];
  const model = byRole(scores, 'model');
  const ccg = byRole(scores, 'ccg');
  const glm = byRole(scores, 'glm');
  const best = [...scores].sort((a, b) => b.auroc - a.auroc)[0]!;
  lines.push(`Best connectivity AUROC against the true wiring: ${methodName(best.method)}, ${f3(best.auroc)} (chance 0.5; AUPRC ${f3(best.auprc)} against chance ${f3(best.prevalence)}).`);
  if (model && ccg) lines.push(`${compare(methodName(model.method), model.auroc, methodName(ccg.method), ccg.auroc, 'AUROC')}${model.auroc > ccg.auroc + 0.005 ? ': the issue’s goal is met' : ': the issue’s goal (beat the cross-correlograms) is not met'}.`);
  if (model && glm) lines.push(`${compare(methodName(model.method), model.auroc, methodName(glm.method), glm.auroc, 'AUROC')}.`);
  if (model && model.hubSpearman !== null) lines.push(`Hubs: the attention received and the true out-degree have rank correlation ${f3(model.hubSpearman)}${model.hubSpearman > 0.5 ? ' (hubs recovered)' : model.hubSpearman > 0.2 ? ' (hubs partly recovered)' : ' (hubs not recovered)'}.`);
  if (model && model.directionAuroc !== null) lines.push(`Direction: AUROC ${f3(model.directionAuroc)} for telling W from Wᵀ on asymmetric pairs${model.directionAuroc > 0.55 ? '' : ' (near chance: direction not recovered)'}.`);
  return lines;
}

/** All the sentences of an evaluate run, in the order of its tables. */
export function evaluationVerdict(evaluation: NeuroformerEvaluation): string[] {
  return [...predictionVerdict(evaluation.prediction), ...(evaluation.psth ? psthVerdict(evaluation.psth) : []), ...connectivityVerdict(evaluation.connectivity)];
}
