/**
 * Annotations of a recording, from the file and added in the project (with author and time), in
 * time order; clicking one jumps there, and the page's own are highlighted and scrolled to as the
 * user pages. Project annotations can be edited and deleted (new superseding rows). Export as EDF+ annotations or BIDS events.tsv to a path the
 * user types.
 */
import { useEffect, useRef } from 'react';
import type { EegAnnotation } from '../../../shared/api/index.js';
import { useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ExportToPathForm } from '../components/ExportToPathForm.js';
import { clockTime, formatOffset } from './clock.js';

export function AnnotationsPanel(props: {
  recordingId: number;
  annotations: EegAnnotation[];
  startDateTime: string;
  error: string | null;
  /** The page shown: its annotations are highlighted and scrolled into view. */
  pageStartS: number;
  pageEndS: number;
  /** What the last undo/redo/delete did (or why it could not). */
  status: string | null;
  onJump(annotation: EegAnnotation): void;
  onEdit(annotation: EegAnnotation): void;
  onDelete(annotation: EegAnnotation): void;
}) {
  const list = useRef<HTMLOListElement>(null);
  const onPage = (a: EegAnnotation) => a.onsetS + a.durationS >= props.pageStartS && a.onsetS < props.pageEndS;
  // Follow the page: bring its first annotation into view in the list (without moving the window).
  useEffect(() => {
    const first = list.current?.querySelector<HTMLElement>('li[aria-current="true"]');
    if (first && list.current) list.current.scrollTop = Math.max(0, first.offsetTop - 4); // the list is the offset parent
  }, [props.pageStartS, props.pageEndS, props.annotations]);

  return (
    <section className="eeg-annotations" aria-labelledby="eeg-annotations-title">
      <h2 id="eeg-annotations-title">Annotations ({props.annotations.length})</h2>
      <ErrorMessage message={props.error} />
      {props.status && (
        <p className="eeg-annotation-status" role="status">
          {props.status}
        </p>
      )}
      {props.annotations.length === 0 ? (
        <p className="empty">None yet. Press A over the traces to add one.</p>
      ) : (
        <ol ref={list} className="eeg-annotation-list" aria-label="Annotations">
          {props.annotations.map((annotation, index) => (
            <li
              key={`${annotation.source}-${annotation.id ?? index}-${annotation.onsetS}`}
              aria-current={onPage(annotation) ? 'true' : undefined}
              className={onPage(annotation) ? 'on-page' : undefined}
            >
              <button type="button" className="eeg-annotation-item" onClick={() => props.onJump(annotation)} title={`Go to ${formatOffset(annotation.onsetS)}`}>
                <time>{clockTime(props.startDateTime, annotation.onsetS)}</time>
                <span className="eeg-annotation-text" title={annotation.text}>
                  {annotation.text}
                </span>
                {annotation.durationS > 0 && <span className="eeg-annotation-meta">{annotation.durationS.toFixed(1)} s</span>}
                <span className="eeg-annotation-meta">
                  {annotation.source === 'file' ? 'file' : `${annotation.author ?? 'unknown'}${annotation.createdAt ? `, ${annotation.createdAt.replace('T', ' ').slice(0, 19)}` : ''}`}
                </span>
              </button>
              {annotation.source === 'project' && annotation.id !== null && (
                <span className="eeg-annotation-actions">
                  <button type="button" aria-label={`Edit the annotation at ${clockTime(props.startDateTime, annotation.onsetS)}`} title="Edit" onClick={() => props.onEdit(annotation)}>
                    Edit
                  </button>
                  <button type="button" aria-label={`Delete the annotation at ${clockTime(props.startDateTime, annotation.onsetS)}`} title="Delete (Ctrl+Z undoes)" onClick={() => props.onDelete(annotation)}>
                    Delete
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      <ExportForm recordingId={props.recordingId} />
    </section>
  );
}

function ExportForm({ recordingId }: { recordingId: number }) {
  const api = useApi();
  return (
    <ExportToPathForm
      className="eeg-export"
      inputId="eeg-export-path"
      label="Export to path"
      placeholder="/path/to/sub-01_task-rest_events.tsv or annotations.edf"
      formats={[
        { format: 'edf+', label: 'Export EDF+ annotations' },
        { format: 'bids-events', label: 'Export BIDS events.tsv' },
      ]}
      write={(format, path, overwrite) => api.call('eeg.exportAnnotations', { recordingId, format, path, overwrite })}
      describe={(result) => `Wrote ${result.count} annotation(s) to ${result.path}`}
    />
  );
}
