/**
 * Annotations of a recording, from the file and added in the project (with author and time), in
 * time order; clicking one jumps there. Export as EDF+ annotations or BIDS events.tsv to a path the
 * user types.
 */
import { useState, type FormEvent } from 'react';
import type { EegAnnotation } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { exportWithOverwrite } from '../components/exportWithOverwrite.js';
import { clockTime, formatOffset } from './clock.js';

export function AnnotationsPanel(props: {
  recordingId: number;
  annotations: EegAnnotation[];
  startDateTime: string;
  error: string | null;
  onJump(annotation: EegAnnotation): void;
}) {
  return (
    <section className="eeg-annotations" aria-labelledby="eeg-annotations-title">
      <h2 id="eeg-annotations-title">Annotations ({props.annotations.length})</h2>
      <ErrorMessage message={props.error} />
      {props.annotations.length === 0 ? (
        <p className="empty">None yet. Press A over the traces to add one.</p>
      ) : (
        <ol className="eeg-annotation-list" aria-label="Annotations">
          {props.annotations.map((annotation, index) => (
            <li key={`${annotation.source}-${annotation.id ?? index}-${annotation.onsetS}`}>
              <button
                type="button"
                className="eeg-annotation-item"
                onClick={() => props.onJump(annotation)}
                title={`Go to ${formatOffset(annotation.onsetS)}`}
              >
                <time>{clockTime(props.startDateTime, annotation.onsetS)}</time>
                <span className="eeg-annotation-text">{annotation.text}</span>
                {annotation.durationS > 0 && <span className="eeg-annotation-meta">{annotation.durationS.toFixed(1)} s</span>}
                <span className="eeg-annotation-meta">
                  {annotation.source === 'file' ? 'file' : `${annotation.author ?? 'unknown'}${annotation.createdAt ? `, ${annotation.createdAt.replace('T', ' ').slice(0, 19)}` : ''}`}
                </span>
              </button>
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
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const exportAs = async (format: 'edf+' | 'bids-events') => {
    setBusy(true);
    setDone(null);
    setFailure(null);
    try {
      const target = path.trim();
      const result = await exportWithOverwrite(target, (overwrite) => api.call('eeg.exportAnnotations', { recordingId, format, path: target, overwrite }));
      if (result) setDone(`Wrote ${result.count} annotation(s) to ${result.path}`);
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (event: FormEvent) => event.preventDefault();

  return (
    <form className="eeg-export" onSubmit={onSubmit}>
      <label htmlFor="eeg-export-path">Export to path</label>
      <input
        id="eeg-export-path"
        type="text"
        value={path}
        placeholder="/path/to/sub-01_task-rest_events.tsv or annotations.edf"
        onChange={(event) => setPath(event.target.value)}
        spellCheck={false}
      />
      <div className="actions">
        <button type="button" disabled={busy || path.trim() === ''} onClick={() => void exportAs('edf+')}>
          Export EDF+ annotations
        </button>
        <button type="button" disabled={busy || path.trim() === ''} onClick={() => void exportAs('bids-events')}>
          Export BIDS events.tsv
        </button>
      </div>
      <ErrorMessage message={failure} />
      {done && <p className="eeg-export-done">{done}</p>}
    </form>
  );
}
