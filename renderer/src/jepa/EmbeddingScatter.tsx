/**
 * Subjects in the plane of the first two principal components of their pooled Brain-JEPA features,
 * coloured by a label the user picks (diagnosis, sex, site). A reader sees at a glance whether the
 * representation separates the label — or the scanner site, the usual confound of multi-site cohorts.
 */
import { useMemo, useState } from 'react';
import type { JepaEmbedding } from '../../../shared/api/index.js';
import { GROUP_COLORS } from '../components/connectome/palette.js';
import { linearScale } from '../ntf/plot.js';
import './jepa.css';

const W = 420;
const H = 320;
const M = { left: 40, right: 12, top: 10, bottom: 36 };

function extent(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || 1) * 0.05;
  return [lo - pad, hi + pad];
}

export function EmbeddingScatter({ embedding }: { embedding: JepaEmbedding }) {
  const keys = useMemo(() => [...new Set(embedding.points.flatMap((p) => Object.keys(p.labels)))].sort((a, b) => (a === 'diagnosis' ? -1 : b === 'diagnosis' ? 1 : a.localeCompare(b))), [embedding]);
  const [colourBy, setColourBy] = useState(keys[0] ?? '');
  const classes = useMemo(() => [...new Set(embedding.points.map((p) => p.labels[colourBy] ?? '—'))].sort(), [embedding, colourBy]);
  if (embedding.points.length === 0) return <p>No subjects to show.</p>;
  const x = linearScale(extent(embedding.points.map((p) => p.x)), [M.left, W - M.right]);
  const y = linearScale(extent(embedding.points.map((p) => p.y)), [H - M.bottom, M.top]);
  const colour = (label: string) => GROUP_COLORS[classes.indexOf(label) % GROUP_COLORS.length]!;
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  return (
    <figure className="jepa-embedding">
      <div className="jepa-embedding-controls">
        <label>
          Colour by{' '}
          <select value={colourBy} onChange={(event) => setColourBy(event.target.value)} aria-label="Colour subjects by">
            {keys.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{embedding.encoder}</span>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Subjects on the first two principal components, coloured by ${colourBy}`} data-points={embedding.points.length}>
        <g className="fmri-axis">
          <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} />
          <line x1={M.left} x2={M.left} y1={M.top} y2={H - M.bottom} />
          <text x={(M.left + W - M.right) / 2} y={H - 8} textAnchor="middle">
            PC 1 ({percent(embedding.explained[0])} of variance)
          </text>
          <text transform={`translate(12 ${(M.top + H - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
            PC 2 ({percent(embedding.explained[1])})
          </text>
        </g>
        {embedding.points.map((p) => {
          const label = p.labels[colourBy] ?? '—';
          return (
            <circle key={p.subject} cx={x(p.x)} cy={y(p.y)} r={3.5} fill={colour(label)} fillOpacity={0.8} stroke="var(--bg)" strokeWidth={0.5}>
              <title>{`${p.subject}: ${Object.entries(p.labels).map(([k, v]) => `${k} ${v}`).join(', ')}`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption className="fmri-score-key">
        {classes.map((label) => (
          <span key={label}>
            <svg className="connectome-swatch" viewBox="0 0 10 10" aria-hidden="true">
              <circle cx={5} cy={5} r={4} fill={colour(label)} />
            </svg>{' '}
            {label} ({embedding.points.filter((p) => (p.labels[colourBy] ?? '—') === label).length})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
