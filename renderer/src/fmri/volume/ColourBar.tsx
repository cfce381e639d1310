/**
 * A colour bar with its values: for a signed map, the negative scale (−max … −threshold), a gap for
 * what is hidden, and the positive scale (threshold … max); for one-signed values, one scale. Drawn
 * on a canvas (the CSP forbids inline styles for gradients), read by its ticks and its caption.
 */
import { useLayoutEffect, useRef } from 'react';
import { colourBarTicks, formatValue, NEGATIVE_SCALE, POSITIVE_SCALE, sampleScale, VALUES_SCALE, type ColourStops } from './colourScale.js';

export type ColourBarSpec =
  | { kind: 'signed'; positive: number; negative: number; max: number }
  | { kind: 'values'; from: number; to: number };

interface Segment {
  scale: ColourStops;
  from: number;
  to: number;
  /** The scale runs from `to` down to `from` (the negative side: strongest at the left). */
  reversed: boolean;
}

function segments(spec: ColourBarSpec): Segment[] {
  if (spec.kind === 'values') return [{ scale: VALUES_SCALE, from: spec.from, to: spec.to, reversed: false }];
  const out: Segment[] = [];
  if (spec.negative > 0) out.push({ scale: NEGATIVE_SCALE, from: -Math.max(spec.max, spec.negative), to: -spec.negative, reversed: true });
  if (spec.positive > 0) out.push({ scale: POSITIVE_SCALE, from: spec.positive, to: Math.max(spec.max, spec.positive), reversed: false });
  return out;
}

export function ColourBar({ spec, caption }: { spec: ColourBarSpec; caption: string }) {
  const parts = segments(spec);
  const text = parts.map((p) => `${formatValue(p.from)} to ${formatValue(p.to)}`).join(', ');
  return (
    <figure className="fmri-colourbar" aria-label={`Colour bar: ${caption}, ${text || 'nothing shown'}`}>
      <div className="fmri-colourbar-parts">
        {parts.map((part) => (
          <ColourBarPart key={`${part.from}:${part.to}`} part={part} />
        ))}
      </div>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

function ColourBarPart({ part }: { part: Segment }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context) return;
    const width = element.width;
    for (let x = 0; x < width; x += 1) {
      const t = x / Math.max(1, width - 1);
      // Skip the transparent foot of the scale: the bar starts at the first visible colour.
      const position = 0.01 + 0.99 * (part.reversed ? 1 - t : t);
      const [r, g, b] = sampleScale(part.scale, position);
      context.fillStyle = `rgb(${r},${g},${b})`;
      context.fillRect(x, 0, 1, element.height);
    }
  }, [part]);
  const ticks = colourBarTicks(part.from, part.to, 3);
  return (
    <div className="fmri-colourbar-part">
      <canvas ref={canvas} width={160} height={12} />
      <ol className="fmri-colourbar-ticks">
        {ticks.map((t) => (
          <li key={t}>{formatValue(t)}</li>
        ))}
      </ol>
    </div>
  );
}
