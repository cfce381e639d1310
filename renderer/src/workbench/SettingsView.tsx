import { BackendName } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ProjectPanel } from './ProjectPanel.js';
import { ReviewerName } from './ReviewerName.js';
import type { ViewProps } from './viewProps.js';

const AUTOMATIC = 'automatic';

export function SettingsView({ app }: ViewProps) {
  const { backend, project } = app;
  const { report } = backend;
  const onChange = (value: string) => {
    const parsed = BackendName.safeParse(value);
    void backend.force(parsed.success ? parsed.data : null);
  };
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <h2>Project</h2>
      <ProjectPanel project={project} />
      <h2>Reviewer</h2>
      <ReviewerName />
      <h2>Compute backend</h2>
      <ErrorMessage message={backend.error} />
      {report && (
        <>
          <p>
            Using <strong>{report.selected}</strong>: {report.reason}.
          </p>
          <label htmlFor="backend-select">Backend for this project</label>{' '}
          <select id="backend-select" value={report.forced ?? AUTOMATIC} onChange={(event) => onChange(event.target.value)}>
            <option value={AUTOMATIC}>Automatic (first available)</option>
            {report.chain.map((probe) => (
              <option key={probe.name} value={probe.name}>
                {probe.name}
                {probe.available ? '' : ' (unavailable)'}
              </option>
            ))}
          </select>
          <table className="data-table">
            <caption>Backend chain, best first</caption>
            <thead>
              <tr>
                <th scope="col">Backend</th>
                <th scope="col">Available</th>
                <th scope="col">Why</th>
                <th scope="col">Package</th>
              </tr>
            </thead>
            <tbody>
              {report.chain.map((probe) => (
                <tr key={probe.name} className={probe.name === report.selected ? 'selected' : undefined}>
                  <td>{probe.name}</td>
                  <td>{probe.available ? 'yes' : 'no'}</td>
                  <td>{probe.detail}</td>
                  <td>
                    <code>{probe.provider}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>About this project</h2>
      {project && (
        <dl className="project-info">
          <dt>File</dt>
          <dd>{project.path}</dd>
          <dt>Schema version</dt>
          <dd>{project.schemaVersion}</dd>
          <dt>Code version</dt>
          <dd>{project.codeVersion}</dd>
          <dt>API version</dt>
          <dd>{project.apiVersion}</dd>
          <dt>Connection</dt>
          <dd>{project.transport === 'ipc' ? 'Electron' : 'loopback bridge (127.0.0.1)'}</dd>
        </dl>
      )}
    </section>
  );
}
