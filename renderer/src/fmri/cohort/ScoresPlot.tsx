/**
 * The classifier's scores as grouped bars: accuracy, balanced accuracy and AUROC per fold and their
 * mean, on a 0…1 axis with chance (0.5 for balanced accuracy and AUROC) dashed across.
 */
import type { ClassifierReport } from '../../../../shared/api/index.js';
import { GROUP_COLORS } from '../../components/connectome/palette.js';
import { linearScale } from '../../ntf/plot.js';
import { formatScore, SCORES } from './report.js';

const W = 460;
const H = 190;
// Room on the right for the chance label, clear of the bars.
const M = { left: 38, right: 56, top: 10, bottom: 34 };
const COLOURS = [GROUP_COLORS[1]!, GROUP_COLORS[0]!, GROUP_COLORS[2]!];

export function ScoresPlot({ report }: { report: ClassifierReport }) {
  const groups = [...report.folds.map((fold) => ({ name: `fold ${fold.fold + 1}`, scores: fold })), { name: 'mean', scores: report.mean }];
  const band = (W - M.left - M.right) / groups.length;
  const bar = (band * 0.8) / SCORES.length;
  const y = linearScale([0, 1], [H - M.bottom, M.top]);
  return (
    <figure className="fmri-scores">
      <svg className="fmri-plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Scores per fold and mean: ${SCORES.map((s) => `${s.name} ${formatScore(report.mean[s.key])}`).join(', ')}`} data-bars={groups.length * SCORES.length}>
        <g className="fmri-axis">
          <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
          {[0, 0.25, 0.5, 0.75, 1].map((tick) => (
            <text key={tick} x={M.left - 4} y={y(tick) + 3} textAnchor="end">
              {tick}
            </text>
          ))}
          <text transform={`translate(10 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
            Score
          </text>
        </g>
        {groups.map((group, g) => (
          <g key={group.name}>
            {SCORES.map((score, s) => {
              const value = group.scores[score.key];
              const height = Number.isFinite(value) ? y(0) - y(value) : 0;
              return (
                <rect key={score.key} x={M.left + g * band + band * 0.1 + s * bar} y={y(0) - height} width={bar - 1} height={height} fill={COLOURS[s]}>
                  <title>{`${group.name}, ${score.name}: ${formatScore(value)}`}</title>
                </rect>
              );
            })}
            <text x={M.left + g * band + band / 2} y={H - M.bottom + 13} textAnchor="middle" className={group.name === 'mean' ? 'fmri-strong' : undefined}>
              {group.name}
            </text>
          </g>
        ))}
        <line className="fmri-chance" x1={M.left} x2={W - M.right} y1={y(0.5)} y2={y(0.5)} />
        <text className="fmri-chance-text" x={W - M.right + 4} y={y(0.5) + 3}>
          chance 0.5
        </text>
      </svg>
      <figcaption className="fmri-score-key">
        {SCORES.map((score, s) => (
          <span key={score.key}>
            <svg className="connectome-swatch" viewBox="0 0 10 10" aria-hidden="true">
              <rect width="10" height="10" fill={COLOURS[s]} />
            </svg>
            {score.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
