/**
 * A `fmri-connectivity` run in Runs: what was computed (kind, subjects, regions) as a table, and the
 * first subject's matrix as a heat map (computed again by `fmri.connectivity`: the stored matrices
 * are arrays Runs does not load; tangent matrices need the group, so they are described only).
 */
import { resultValue, type ResultSummaryProps } from '../../workbench/resultSummary.js';
import { ConnectivityKind } from '../../../../shared/api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { KIND_UNITS } from './format.js';
import { MatrixHeatmap } from './MatrixHeatmap.js';
import { useCall } from './useCall.js';
import './series.css';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function ConnectivityRunSummary({ run, results }: ResultSummaryProps) {
  const parsedKind = ConnectivityKind.safeParse(resultValue(results, 'kind') ?? run.params['kind'] ?? 'pearson');
  const kind = parsedKind.success ? parsedKind.data : 'pearson';
  const subjects = strings(resultValue(results, 'subjects'));
  const regions = strings(resultValue(results, 'regionNames'));
  const shape = results.find((r) => r.key === 'matrices')?.array?.shape ?? [];
  const first = subjects[0] ?? null;
  const isCohort = subjects.length > 1;
  const matrix = useCall('fmri.connectivity', run.recordingId !== null && kind !== 'tangent' ? { recordingId: run.recordingId, subject: isCohort ? first : null, kind } : null);
  return (
    <>
      <table className="data-table" aria-label="Connectivity run">
        <caption>Connectivity matrices</caption>
        <tbody>
          <tr>
            <th scope="row">Kind</th>
            <td>{KIND_UNITS[kind].name}</td>
          </tr>
          <tr>
            <th scope="row">Subjects</th>
            <td>
              {subjects.length}
              {subjects.length > 0 && `: ${subjects.slice(0, 8).join(', ')}${subjects.length > 8 ? ', …' : ''}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Regions</th>
            <td>
              {regions.length || shape[1] || '—'}
              {regions.length > 0 && `: ${regions.slice(0, 6).join(', ')}${regions.length > 6 ? ', …' : ''}`}
            </td>
          </tr>
          <tr>
            <th scope="row">Stored</th>
            <td>{shape.length ? `matrices ${shape.join(' × ')} (subjects × regions × regions)${results.some((r) => r.key === 'mean') ? ', and the group mean' : ''}` : '—'}</td>
          </tr>
        </tbody>
      </table>
      <ErrorMessage message={matrix.error} />
      {matrix.value && (
        <MatrixHeatmap
          matrix={matrix.value.matrix}
          n={matrix.value.regionCount}
          names={matrix.value.regionNames}
          unit={KIND_UNITS[kind].unit}
          symbol={KIND_UNITS[kind].symbol}
          title={`${KIND_UNITS[kind].name} of ${first ?? 'the series'}`}
        />
      )}
    </>
  );
}
