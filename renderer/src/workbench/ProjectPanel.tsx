/**
 * Settings › Project: the open project, New and Open by path, and this machine's recent projects.
 * (Electron's File menu does the same with native dialogs.) A switch reloads the whole window: on
 * `project.changed` the app starts afresh on the other project (useAppContext).
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ProjectInfo } from '../../../shared/api/index.js';
import { errorMessage, useApi } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';

export function ProjectPanel({ project }: { project: ProjectInfo | null }) {
  const api = useApi();
  const [recent, setRecent] = useState<string[]>([]);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    api.call('project.recent', {}).then(
      (list) => setRecent(list.paths.filter((known) => known !== list.current)),
      (error: unknown) => setFailure(errorMessage(error)),
    );
  }, [api]);

  const run = async (step: () => Promise<unknown>) => {
    setBusy(true);
    setFailure(null);
    try {
      await step(); // the project.changed event reloads the window
    } catch (error) {
      setFailure(errorMessage(error));
      setBusy(false);
    }
  };
  const onOpen = (event: FormEvent) => {
    event.preventDefault();
    void run(() => api.call('project.open', { path: path.trim() }));
  };

  return (
    <div className="project-panel">
      {project && (
        <p>
          Open: <code>{project.path}</code>
        </p>
      )}
      <form onSubmit={onOpen}>
        <label htmlFor="project-path">Project file</label>{' '}
        <input id="project-path" type="text" size={60} value={path} placeholder="/data/studies/sleep.cajal" spellCheck={false} onChange={(event) => setPath(event.target.value)} />{' '}
        <button type="submit" disabled={busy || !path.trim()}>
          Open
        </button>
        <button type="button" disabled={busy || !path.trim()} onClick={() => void run(() => api.call('project.create', { path: path.trim() }))}>
          New
        </button>
      </form>
      {recent.length > 0 && <p className="empty">Recent on this machine:</p>}
      {recent.length > 0 && (
        <ul className="recent-projects" aria-label="Recent projects">
          {recent.map((known) => (
            <li key={known}>
              <button type="button" disabled={busy} onClick={() => void run(() => api.call('project.open', { path: known }))}>
                Open
              </button>{' '}
              <code>{known}</code>
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage message={failure} />
    </div>
  );
}
