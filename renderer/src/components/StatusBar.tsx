import type { BackendReport, ProjectInfo } from '../../../shared/api/index.js';
import type { ConnectionState } from '../api/transport.js';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  open: 'connected',
  closed: 'disconnected — retrying',
};

export function StatusBar(props: { project: ProjectInfo | null; backend: BackendReport | null; connection: ConnectionState }) {
  const { project, backend, connection } = props;
  return (
    <footer className="status-bar" aria-label="Status">
      <span title={backend?.reason}>Compute: {backend ? backend.selected : '…'}</span>
      <span>{project ? project.path : ''}</span>
      <span className={`connection connection-${connection}`}>{CONNECTION_TEXT[connection]}</span>
    </footer>
  );
}
