/**
 * A `fmri-extract` run in Runs: the extracted ROI series as a table of what came out (regions,
 * timepoints, TR, the first region names) and as the regions × time heat map (`fmri.roiSeries` with
 * the run), never as raw numbers.
 */
import { resultValue, type ResultSummaryProps } from '../../workbench/resultSummary.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { formatValue } from './format.js';
import { SeriesHeatmap } from './SeriesHeatmap.js';
import { useCall } from './useCall.js';
import './series.css';

function regionsOf(value: unknown): { indices: number[]; names: string[] } {
  const v = value as { indices?: unknown; names?: unknown } | null;
  const indices = Array.isArray(v?.indices) ? v.indices.filter((i): i is number => typeof i === 'number') : [];
  const names = Array.isArray(v?.names) ? v.names.filter((n): n is string => typeof n === 'string') : [];
  return { indices, names };
}

export function ExtractRunSummary({ run, results }: ResultSummaryProps) {
  const regions = regionsOf(resultValue(results, 'regions'));
  const trValue = resultValue(results, 'trS');
  const trS = typeof trValue === 'number' ? trValue : null;
  const shape = results.find((r) => r.key === 'series')?.array?.shape ?? [];
  const series = useCall('fmri.roiSeries', run.recordingId !== null ? { recordingId: run.recordingId, subject: null, runId: run.id } : null);
  return (
    <>
      <table className="data-table" aria-label="Extracted ROI series">
        <caption>Extracted ROI series</caption>
        <tbody>
          <tr>
            <th scope="row">Regions</th>
            <td>
              {shape[0] ?? regions.names.length}
              {regions.names.length > 0 && ` (${regions.names.slice(0, 6).join(', ')}${regions.names.length > 6 ? ', …' : ''})`}
            </td>
          </tr>
          <tr>
            <th scope="row">Timepoints</th>
            <td>{shape[1] ?? '—'}</td>
          </tr>
          <tr>
            <th scope="row">TR</th>
            <td>{trS ? `${formatValue(trS)} s` : 'not stated'}</td>
          </tr>
          <tr>
            <th scope="row">Options</th>
            <td>
              {['detrend', 'standardize'].filter((key) => run.params[key] === true).join(', ') || 'no detrending or z-scoring'}
              {run.params['highPassHz'] || run.params['lowPassHz'] ? `; band ${String(run.params['highPassHz'] ?? 0)}–${String(run.params['lowPassHz'] ?? '∞')} Hz` : ''}
            </td>
          </tr>
        </tbody>
      </table>
      <ErrorMessage message={series.error} />
      {series.value && <SeriesHeatmap data={series.value.data} regions={series.value.regionCount} timepoints={series.value.timepoints} trS={series.value.trS} title={`Extracted series of run ${run.id}`} />}
    </>
  );
}
