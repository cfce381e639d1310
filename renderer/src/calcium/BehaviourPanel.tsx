/**
 * Behaviour recorded with the imaging (Flavell files: velocity, head angle, reversals…), one lane per
 * variable over the same time window and columns as the traces above, so events line up; each lane
 * is scaled to the variable's range over the whole recording, with zero marked where it is inside.
 * The time axis of the traces is drawn at the bottom.
 */
import { useEffect, useRef } from 'react';
import type { CalciumBehaviour } from '../../../shared/api/index.js';
import { beginDrawing, LABEL_WIDTH, RIGHT_MARGIN, drawBand } from './canvas.js';
import { drawTimeAxis } from './HeatmapPanel.js';

export const BEHAVIOUR_LANE_HEIGHT = 34;
export const TIME_AXIS_HEIGHT = 20;

interface Props {
  behaviour: readonly CalciumBehaviour[];
  columns: number;
  frameRateHz: number | null;
  window: { start: number; end: number };
  width: number;
}

const LANE_COLORS = ['#c0392b', '#2e86c1', '#239b56', '#8e44ad', '#d68910', '#17a589', '#7f8c8d', '#a04000'];
const digits = (value: number) => String(Number(value.toPrecision(2)));

export function BehaviourPanel({ behaviour, columns, frameRateHz, window: shown, width }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const height = behaviour.length * BEHAVIOUR_LANE_HEIGHT + TIME_AXIS_HEIGHT;
  const plotWidth = Math.max(10, width - LABEL_WIDTH - RIGHT_MARGIN);

  useEffect(() => {
    const drawing = beginDrawing(canvas.current, width, height);
    if (!drawing) return;
    const { context, colors } = drawing;
    behaviour.forEach((variable, k) => {
      const top = k * BEHAVIOUR_LANE_HEIGHT;
      const { low, high } = variable;
      const pad = 3;
      const y = (value: number) => top + pad + (1 - (value - low) / (high - low || 1)) * (BEHAVIOUR_LANE_HEIGHT - 2 * pad);
      context.strokeStyle = colors.border;
      context.lineWidth = 1;
      context.beginPath();
      context.moveTo(0, top + 0.5);
      context.lineTo(width, top + 0.5);
      context.stroke();
      if (low < 0 && high > 0) {
        context.setLineDash([2, 3]);
        context.beginPath();
        context.moveTo(LABEL_WIDTH, y(0));
        context.lineTo(LABEL_WIDTH + plotWidth, y(0));
        context.stroke();
        context.setLineDash([]);
      }
      const color = LANE_COLORS[k % LANE_COLORS.length]!;
      context.fillStyle = color;
      context.font = 'bold 11px system-ui, sans-serif';
      context.textBaseline = 'top';
      context.fillText(variable.name.replace(/_/g, ' '), 4, top + 3);
      context.fillStyle = colors.muted;
      context.font = '10px system-ui, sans-serif';
      context.fillText(`${digits(low)}…${digits(high)}`, 4, top + 17);
      if (variable.min.length !== columns) return;
      context.strokeStyle = color;
      drawBand(context, variable.min, variable.max, 0, columns, LABEL_WIDTH, plotWidth, y);
    });
    const axisTop = behaviour.length * BEHAVIOUR_LANE_HEIGHT;
    context.strokeStyle = colors.border;
    context.beginPath();
    context.moveTo(LABEL_WIDTH, axisTop + 0.5);
    context.lineTo(LABEL_WIDTH + plotWidth, axisTop + 0.5);
    context.stroke();
    drawTimeAxis(context, { frameRateHz }, shown.start, shown.end, LABEL_WIDTH, plotWidth, axisTop, colors.muted);
  }, [behaviour, columns, frameRateHz, shown.start, shown.end, width, height, plotWidth]);

  return (
    <canvas
      ref={canvas}
      className="calcium-behaviour"
      role="img"
      aria-label={behaviour.length ? `Behaviour: ${behaviour.map((b) => b.name).join(', ')}` : 'Time axis of the traces'}
      data-behaviour={behaviour.map((b) => b.name).join(',')}
    />
  );
}
