/**
 * The texts of the page's annotations over the traces, as elements rather than canvas text: laid out
 * in stacked lanes that never overlap (annotationLanes.ts), ellipsized with the full text as the
 * tooltip and accessible name, and clickable to edit (project annotations). The markers and duration
 * bars stay on the canvas (drawTraces.ts).
 */
import { useMemo } from 'react';
import type { EegAnnotation } from '../../../shared/api/index.js';
import { layoutLabelLanes } from './annotationLanes.js';
import { xOfTime, type TraceLayout } from './layout.js';

const FONT = '11px system-ui, sans-serif';
/** Left border, padding both sides, and room for the text's rounding. */
const PADDING_PX = 14;
export const LABEL_HEIGHT_PX = 16;
const LANE_STEP_PX = LABEL_HEIGHT_PX + 2;
const LANE_OPTIONS = { maxLanes: 4, gapPx: 4, minWidthPx: 28, maxWidthPx: 180 };

let measuring: CanvasRenderingContext2D | null = null;
function textWidth(text: string): number {
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring) return text.length * 6;
  measuring.font = FONT;
  return measuring.measureText(text).width;
}

export function AnnotationLabels(props: { layout: TraceLayout; annotations: EegAnnotation[]; onEdit(annotation: EegAnnotation): void }) {
  const { layout } = props;
  const shown = useMemo(() => {
    const pageEnd = layout.startS + layout.durationS;
    const onPage = props.annotations.filter((a) => a.onsetS + a.durationS >= layout.startS && a.onsetS <= pageEnd);
    const placed = layoutLabelLanes(
      onPage.map((a) => ({ x: xOfTime(layout, Math.max(layout.startS, a.onsetS)) + 2, width: Math.max(LANE_OPTIONS.minWidthPx, textWidth(a.text) + PADDING_PX) })),
      { ...LANE_OPTIONS, rightPx: layout.plotLeft + layout.plotWidth },
    );
    return onPage.flatMap((annotation, i) => (placed[i]!.lane === null ? [] : [{ annotation, ...placed[i]! }]));
  }, [layout, props.annotations]);

  return (
    // A group, not a list: the side panel's list is the one list of annotations.
    <div className="eeg-annotation-labels" role="group" aria-label="Annotation labels">
      {shown.map(({ annotation, lane, x, width }) => {
        const style = { left: `${x}px`, top: `${1 + lane! * LANE_STEP_PX}px`, width: `${width}px` };
        const key = `${annotation.source}-${annotation.id ?? ''}-${annotation.onsetS}-${annotation.text}`;
        return (
          <div key={key} className="eeg-annotation-label" style={style} data-lane={lane}>
            {annotation.source === 'project' ? (
              <button type="button" title={`${annotation.text} — click to edit`} aria-label={`Edit annotation ${annotation.text}`} onClick={() => props.onEdit(annotation)}>
                {annotation.text}
              </button>
            ) : (
              <span title={`${annotation.text} (from the file)`}>{annotation.text}</span>
            )}
          </div>
        );
      })}
    </div>
  );
}
