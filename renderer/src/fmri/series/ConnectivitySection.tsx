/**
 * One subject's connectivity matrix (`fmri.connectivity`, computed now) with the kind picked here:
 * Pearson, partial correlation or covariance, and for a cohort's subject tangent space too (the
 * log-map at the cohort's geometric mean: a group measure, so not for a lone ROI file). The matrix
 * shown can be exported to a typed path as CSV or NumPy .npy (`fmri.exportConnectivity`).
 */
import { useId } from 'react';
import type { ConnectivityKind, ConnectivityMatrix } from '../../../../shared/api/index.js';
import { useApi } from '../../api/context.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { ExportToPathForm } from '../../components/ExportToPathForm.js';
import { KIND_UNITS } from './format.js';
import { MatrixHeatmap } from './MatrixHeatmap.js';

export const SUBJECT_KINDS: readonly ConnectivityKind[] = ['pearson', 'partial', 'covariance'];

export function ConnectivitySection(props: {
  kind: ConnectivityKind;
  onKind(kind: ConnectivityKind): void;
  matrix: ConnectivityMatrix | null;
  error: string | null;
  loading: boolean;
  subjectName: string;
  /** The subject belongs to a cohort: tangent space (relative to the group's mean) can be computed. */
  inGroup: boolean;
}) {
  const kindId = useId();
  const { matrix } = props;
  return (
    <section className="fmri-card" aria-label="Connectivity matrix">
      <h3>
        Connectivity{' '}
        <select id={kindId} aria-label="Connectivity kind" value={props.kind} onChange={(event) => props.onKind(event.target.value as ConnectivityKind)}>
          {SUBJECT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {KIND_UNITS[kind].name}
            </option>
          ))}
          {props.inGroup ? (
            <option value="tangent">{KIND_UNITS.tangent.name} (relative to the cohort's mean)</option>
          ) : (
            <option value="tangent" disabled>
              tangent space (a group measure: open a cohort)
            </option>
          )}
        </select>
      </h3>
      <ErrorMessage message={props.error} />
      {props.loading && <p className="muted">Computing the matrix…</p>}
      {matrix && (
        <MatrixHeatmap
          matrix={matrix.matrix}
          n={matrix.regionCount}
          names={matrix.regionNames}
          unit={KIND_UNITS[matrix.kind].unit}
          symbol={KIND_UNITS[matrix.kind].symbol}
          title={`${KIND_UNITS[matrix.kind].name[0]!.toUpperCase()}${KIND_UNITS[matrix.kind].name.slice(1)} of ${props.subjectName}`}
        />
      )}
      {matrix && <ConnectivityExportForm matrix={matrix} />}
    </section>
  );
}

/** The matrix shown (its recording, subject and kind) written as `cajal fmri connectivity --out` writes it. */
function ConnectivityExportForm({ matrix }: { matrix: ConnectivityMatrix }) {
  const api = useApi();
  const { recordingId, subject, kind } = matrix;
  return (
    <ExportToPathForm
      className="fmri-connectivity-export"
      label="Export the matrix to path"
      placeholder="/path/to/connectivity.csv or connectivity.npy"
      formats={[
        { format: 'csv', label: 'Export CSV' },
        { format: 'npy', label: 'Export NumPy .npy' },
      ]}
      write={async (format, path, overwrite) => {
        const written = await api.call('fmri.exportConnectivity', { recordingId, subject, kind, format, path, overwrite });
        return { path: written.path, count: written.regionCount };
      }}
      describe={(result) => `Wrote the ${result.count} × ${result.count} ${KIND_UNITS[kind].name} matrix to ${result.path}`}
    />
  );
}
