/**
 * The plain-words verdict under a Brain-JEPA evaluation table: which features and probe reach the
 * best mean AUROC for a target, and how pretraining compares with its own random initialisation
 * and with the connectivity baseline, saying when a difference is smaller than the spread over
 * folds (so a reader does not take noise for a win). No DOM.
 */
import type { JepaMethodReport, JepaTargetReport } from '../../../shared/api/index.js';

const SOURCE_NAMES: Record<JepaMethodReport['features'], string> = {
  pretrained: 'pretrained Brain-JEPA',
  'pretrained-context': 'pretrained context encoder',
  'random-init': 'random-init encoder',
  connectivity: 'connectivity baseline',
};
const PROBE_NAMES: Record<JepaMethodReport['probe'], string> = {
  'linear-probe': 'linear probe',
  'logistic-regression': 'logistic regression',
};

export function methodName(method: Pick<JepaMethodReport, 'features' | 'probe'>): string {
  return method.features === 'connectivity' ? SOURCE_NAMES.connectivity : `${SOURCE_NAMES[method.features]}, ${PROBE_NAMES[method.probe]}`;
}

function compare(a: JepaMethodReport, b: JepaMethodReport): string {
  const difference = a.mean.auroc - b.mean.auroc;
  const spread = Math.max(a.sd.auroc, b.sd.auroc);
  const size = `${difference >= 0 ? '+' : '−'}${Math.abs(difference).toFixed(3)} AUROC`;
  const verb = Math.abs(difference) < spread ? 'within the fold-to-fold spread of' : difference > 0 ? 'beats' : 'loses to';
  return `${methodName(a)} ${verb} ${methodName(b)} (${size}, fold SD up to ${spread.toFixed(3)})`;
}

/** One sentence per comparison the issue asks for, for the logistic-regression probe (the linear probe's beside it in the table). */
export function verdict(report: JepaTargetReport): string[] {
  const find = (features: JepaMethodReport['features'], probe: JepaMethodReport['probe']) => report.methods.find((m) => m.features === features && m.probe === probe);
  const best = [...report.methods].sort((a, b) => b.mean.auroc - a.mean.auroc)[0];
  const lines: string[] = [];
  if (best) lines.push(`Best mean AUROC for ${report.target}: ${methodName(best)}, ${best.mean.auroc.toFixed(3)} ± ${best.sd.auroc.toFixed(3)}.`);
  const pretrained = find('pretrained', 'logistic-regression');
  const random = find('random-init', 'logistic-regression');
  const baseline = find('connectivity', 'logistic-regression');
  if (pretrained && random) lines.push(`${compare(pretrained, random)}.`);
  if (pretrained && baseline) lines.push(`${compare(pretrained, baseline)}.`);
  const context = find('pretrained-context', 'logistic-regression');
  if (context && random) lines.push(`${compare(context, random)}.`);
  return lines;
}
