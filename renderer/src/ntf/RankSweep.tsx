/**
 * Why this rank: the sweep's reconstruction error and restart similarity against rank, the
 * suggested rank marked (and the shown one when a fixed rank was asked for), the engine's reasons
 * one sentence each, and the numbers in a folded table.
 */
import type { NtfResult } from '../../../shared/api/index.js';
import { formatNumber } from './format.js';
import { sweepPlot } from './sweep.js';

const BOX = { width: 440, height: 170, left: 46, right: 40, top: 14, bottom: 32 };

/** A rank marker's label beside its line, on the side with room (left of a line in the right half). */
function markLabel(x: number, box: typeof BOX): { x: number; textAnchor: 'start' | 'end' } {
  return x > (box.left + box.width - box.right) / 2 ? { x: x - 4, textAnchor: 'end' } : { x: x + 4, textAnchor: 'start' };
}

export function RankSweep({ result }: { result: NtfResult }) {
  const plot = sweepPlot(result.sweep, result.suggestedRank, BOX);
  // The plot's points are in rank order; so are these rows.
  const rows = [...result.sweep].sort((a, b) => a.rank - b.rank);
  const bottom = BOX.height - BOX.bottom;
  const errorPath = plot.points.map((point, i) => `${i === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.yError.toFixed(1)}`).join(' ');
  const similarityPath = plot.points.map((point, i) => `${i === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.ySimilarity.toFixed(1)}`).join(' ');
  const shownX = result.rank !== result.suggestedRank && plot.points.some((point) => point.rank === result.rank) ? plot.x(result.rank) : null;
  const label = `Rank sweep, ranks ${plot.points[0]?.rank ?? '–'} to ${plot.points[plot.points.length - 1]?.rank ?? '–'}: reconstruction error and restart similarity per rank; suggested rank ${result.suggestedRank}${shownX !== null ? `, shown rank ${result.rank}` : ''}`;
  return (
    <section className="ntf-sweep" aria-labelledby="ntf-sweep-title">
      <h2 id="ntf-sweep-title">
        Rank {result.rank}
        {result.rank === result.suggestedRank ? ' (suggested)' : ` (suggested: ${result.suggestedRank})`}
      </h2>
      <div className="ntf-sweep-body">
        <svg className="ntf-plot" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={label} data-ranks={plot.points.length} data-suggested={result.suggestedRank}>
          {plot.suggestedX !== null && (
            <g className="ntf-suggested">
              <line x1={plot.suggestedX} x2={plot.suggestedX} y1={BOX.top} y2={bottom} />
              <text {...markLabel(plot.suggestedX, BOX)} y={BOX.top + 8}>
                suggested
              </text>
            </g>
          )}
          {shownX !== null && (
            <g className="ntf-shown-rank">
              <line x1={shownX} x2={shownX} y1={BOX.top} y2={bottom} />
              <text {...markLabel(shownX, BOX)} y={BOX.top + 20}>
                shown
              </text>
            </g>
          )}
          <g className="ntf-axis">
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={bottom} y2={bottom} />
            <line x1={BOX.left} x2={BOX.left} y1={BOX.top} y2={bottom} />
            <line x1={BOX.width - BOX.right} x2={BOX.width - BOX.right} y1={BOX.top} y2={bottom} />
            {plot.points.map((point) => (
              <text key={point.rank} x={point.x} y={bottom + 13} textAnchor="middle">
                {point.rank}
              </text>
            ))}
            <text x={(BOX.left + BOX.width - BOX.right) / 2} y={BOX.height - 3} textAnchor="middle">
              rank
            </text>
            {plot.errorTicks.map((tick) => (
              <text key={tick} className="ntf-error-text" x={BOX.left - 4} y={plot.error(tick) + 3} textAnchor="end">
                {formatNumber(tick)}
              </text>
            ))}
            {plot.similarityTicks.map((tick) => (
              <text key={tick} className="ntf-similarity-text" x={BOX.width - BOX.right + 4} y={plot.similarity(tick) + 3}>
                {tick}
              </text>
            ))}
          </g>
          <path className="ntf-error-line" d={errorPath} />
          <path className="ntf-similarity-line" d={similarityPath} />
          {plot.points.map((point) => (
            <g key={point.rank}>
              {point.errors.map((error, i) => (
                <circle key={i} className="ntf-restart" cx={point.x} cy={error.y} r={2} />
              ))}
              <circle className="ntf-error-dot" cx={point.x} cy={point.yError} r={3.5} />
              <rect className="ntf-similarity-dot" x={point.x - 3} y={point.ySimilarity - 3} width={6} height={6} />
            </g>
          ))}
        </svg>
        <div>
          <ul className="ntf-sweep-key" aria-label="Plot key">
            <li className="ntf-key-error">error ‖X − X̂‖ / ‖X‖ of the best restart (dots: every restart), left axis</li>
            <li className="ntf-key-similarity">similarity of the restarts' factors (1 = identical), right axis</li>
          </ul>
          <h3 id="ntf-reasons-title">Why rank {result.suggestedRank}</h3>
          <ol className="ntf-reasons" aria-labelledby="ntf-reasons-title">
            {result.rankReasoning.map((reason, i) => (
              <li key={i}>{reason}</li>
            ))}
          </ol>
        </div>
      </div>
      <details className="ntf-sweep-details">
        <summary>Sweep numbers</summary>
        <table className="data-table" aria-label="Rank sweep">
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Best error</th>
              <th scope="col">Restart errors</th>
              <th scope="col">Similarity</th>
              <th scope="col">Iterations</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {plot.points.map((point, i) => {
              const row = rows[i]!;
              return (
                <tr key={point.rank} className={point.rank === result.suggestedRank ? 'selected' : undefined}>
                  <th scope="row" className="number">
                    {point.rank}
                  </th>
                  <td className="number">{formatNumber(point.bestError, 4)}</td>
                  <td className="number">{row.errors.map((error) => formatNumber(error, 4)).join(', ')}</td>
                  <td className="number">{formatNumber(row.similarity, 3)}</td>
                  <td className="number">{row.iterations.join(', ')}</td>
                  <td className="number">{formatNumber(row.durationMs / 1000)} s</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </section>
  );
}
