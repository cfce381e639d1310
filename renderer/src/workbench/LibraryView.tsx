import { useState, type DragEvent, type FormEvent } from 'react';
import { recordingKind, type CallResult, type Recording } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { importSummary, recordingsBySection, removalSummary } from './libraryColumns.js';
import type { ViewProps } from './viewProps.js';

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

type ImportOutcome = CallResult<'recordings.import'>;

/** Import form: typed paths (browser), file dialog and drag-and-drop (Electron). */
function ImportPanel() {
  const api = useApi();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const { pickFiles, pathForFile } = api.transport;

  const importPaths = async (paths: string[]) => {
    if (paths.length === 0) return;
    setBusy(true);
    setFailure(null);
    setOutcome(null);
    try {
      const result = await api.call('recordings.import', { paths });
      setOutcome(result);
      if (result.errors.length === 0) setText('');
    } catch (error) {
      setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void importPaths(text.split('\n').map((line) => line.trim()).filter(Boolean));
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    const files = [...event.dataTransfer.files];
    if (files.length === 0) return;
    if (!pathForFile) {
      setFailure('This browser does not reveal where a dropped file lives; type its path instead.');
      return;
    }
    void importPaths(files.map((file) => pathForFile(file)).filter(Boolean));
  };

  return (
    <form className="import-panel" onSubmit={onSubmit} onDragOver={(event) => event.preventDefault()} onDrop={onDrop}>
      <label htmlFor="import-paths">Path to a file on this machine</label>
      <textarea
        id="import-paths"
        rows={2}
        value={text}
        placeholder="/data/eeg/patient01.edf (one path per line, or drop files here)"
        onChange={(event) => setText(event.target.value)}
        spellCheck={false}
      />
      <div className="actions">
        <button type="submit" disabled={busy || text.trim() === ''}>
          Import
        </button>
        {pickFiles && (
          <button type="button" disabled={busy} onClick={() => void pickFiles().then(importPaths)}>
            Choose files…
          </button>
        )}
      </div>
      <ErrorMessage message={failure} />
      {outcome && (
        <div role="status">
          {importSummary(outcome).map((line) => (
            <p key={line}>{line}</p>
          ))}
          {outcome.warnings.map((warning) => (
            <p className="warning" key={`w-${warning.path}`}>
              Warning: {warning.message}
            </p>
          ))}
          {outcome.errors.map((error) => (
            <p className="error" key={error.path}>
              {error.message}
            </p>
          ))}
        </div>
      )}
    </form>
  );
}

/** "Remove…" asks first, in the row: what leaves the project, and that the file on disk stays. */
function RemoveButton({ recording, onRemoved }: { recording: Recording; onRemoved: (message: string) => void }) {
  const api = useApi();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const name = fileName(recording.sourcePath);

  const remove = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const removed = await api.call('recordings.remove', { recordingId: recording.id });
      onRemoved(removalSummary(name, removed.annotationCount, removed.runCount));
    } catch (error) {
      setFailure(errorMessage(error));
      setAsking(false);
    } finally {
      setBusy(false);
    }
  };

  if (!asking) {
    return (
      <>
        <button type="button" className="remove" aria-label={`Remove ${name} from the project`} onClick={() => setAsking(true)}>
          Remove…
        </button>
        <ErrorMessage message={failure} />
      </>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={`Confirm removing ${name}`}>
      <span>Remove from project? The file stays on disk.</span>
      <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
        Remove
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}

/**
 * The project's recordings, one table per kind with the columns that describe it: import them,
 * open one in the view for its kind (the row's primary action: Review for EEG, the 3D view for a
 * morphology, the Connectome for calcium imaging), start a pipeline that reads that kind (then Runs
 * shows it), or remove it from the project. A row offers nothing that cannot read it.
 */
export function LibraryView({ app }: ViewProps) {
  const api = useApi();
  const { recordings, error } = app.recordings;
  const [startError, setStartError] = useState<string | null>(null);
  const [removedMessage, setRemovedMessage] = useState<string | null>(null);
  const recordingPipelines = app.pipelines.filter((pipeline) => pipeline.input === 'recording');
  const actionsFor = (recording: Recording) => {
    const kind = recordingKind(recording);
    return {
      openers: app.openers.filter((opener) => opener.recordingKinds.includes(kind)),
      pipelines: recordingPipelines.filter((pipeline) => pipeline.recordingKinds.includes(kind)),
    };
  };

  const start = async (pipeline: string, recordingId: number) => {
    setStartError(null);
    try {
      const run = await api.call('runs.start', { pipeline, recordingId, params: {} });
      app.runs.refresh();
      app.navigate('runs', { runId: run.id });
    } catch (error) {
      setStartError(errorMessage(error));
    }
  };

  return (
    <section aria-labelledby="library-title">
      <h1 id="library-title">Library</h1>
      <ImportPanel />
      <ErrorMessage message={error ?? startError} />
      {removedMessage && (
        <p role="status" className="notice">
          {removedMessage}
        </p>
      )}
      {recordings.length === 0 ? (
        <p className="empty">No recordings yet. Import an EEG (EDF, BDF), calcium imaging or SWC file to begin.</p>
      ) : (
        recordingsBySection(recordings).map(({ section, recordings: rows }) => (
          <table className="data-table library-table" key={section.kind} aria-label={`${section.title} recordings`}>
            <caption>
              {section.title} ({rows.length})
            </caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">File</th>
                {section.columns.map((column) => (
                  <th scope="col" key={column.header} className={column.numeric ? 'number' : undefined}>
                    {column.header}
                  </th>
                ))}
                <th scope="col">Analyse</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((recording) => {
                const { openers, pipelines } = actionsFor(recording);
                return (
                  <tr key={recording.id}>
                    <td className="number">{recording.id}</td>
                    <td title={recording.sourcePath}>{fileName(recording.sourcePath)}</td>
                    {section.columns.map((column) => (
                      <td key={column.header} className={column.numeric ? 'number' : undefined}>
                        {column.cell(recording)}
                      </td>
                    ))}
                    <td className="row-actions">
                      {openers.map((opener, index) => (
                        <button
                          key={opener.viewId}
                          type="button"
                          className={index === 0 ? 'primary' : undefined}
                          aria-label={`${opener.action} ${fileName(recording.sourcePath)}`}
                          onClick={() => app.navigate(opener.viewId, { recordingId: recording.id })}
                        >
                          {opener.action}
                        </button>
                      ))}
                      {pipelines.map((pipeline) => (
                        <button
                          key={pipeline.name}
                          type="button"
                          title={pipeline.description}
                          aria-label={`${pipeline.title} on ${fileName(recording.sourcePath)}`}
                          onClick={() => void start(pipeline.name, recording.id)}
                        >
                          {pipeline.title}
                        </button>
                      ))}
                    </td>
                    <td className="row-remove">
                      <RemoveButton recording={recording} onRemoved={setRemovedMessage} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ))
      )}
    </section>
  );
}
