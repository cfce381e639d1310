/**
 * One subject's connectivity matrix (`fmri.connectivity`, computed now) with the kind picked here:
 * Pearson, partial correlation or covariance. Tangent space needs a group (it is the log-map at the
 * cohort's mean), so for one subject it is offered only through the cohort's runs.
 */
import { useId } from 'react';
import type { ConnectivityKind, ConnectivityMatrix } from '../../../../shared/api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
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
          <option value="tangent" disabled>
            tangent space (a group measure: run it on a cohort)
          </option>
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
    </section>
  );
}
