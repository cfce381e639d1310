/**
 * Clusters of the map beyond its thresholds (`fmri.clusters`, once per sign, as the thresholds may
 * differ), largest first, with the peak in mm and its atlas region; a click (or Enter) on a row
 * moves the crosshair to the peak.
 */
import { useEffect, useState } from 'react';
import type { BrainCluster } from '../../../../shared/api/index.js';
import { errorMessage, useApi } from '../../api/context.js';
import { clusterRow } from './clusterTable.js';

export interface ClusterTableProps {
  recordingId: number;
  atlasRecordingId: number | null;
  positive: number;
  negative: number;
  onPick(peakMm: [number, number, number]): void;
  /** Each new list, once loaded. */
  onClusters?(clusters: readonly BrainCluster[]): void;
}

/** Threshold edits come keystroke by keystroke: ask the engine once they settle. */
const SETTLE_MS = 300;
const MIN_VOXELS = 10;
const SHOWN = 25;

export function ClusterTable({ recordingId, atlasRecordingId, positive, negative, onPick, onClusters }: ClusterTableProps) {
  const api = useApi();
  const [clusters, setClusters] = useState<BrainCluster[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    setClusters(null);
    const timer = window.setTimeout(() => {
      const ask = (sign: 'positive' | 'negative', threshold: number) =>
        threshold > 0 ? api.call('fmri.clusters', { recordingId, threshold, sign, minVoxels: MIN_VOXELS, atlasRecordingId }) : Promise.resolve([]);
      Promise.all([ask('positive', positive), ask('negative', negative)]).then(
        ([pos, neg]) => {
          if (cancelled) return;
          setError(null);
          const all = [...pos, ...neg].sort((a, b) => b.voxelCount - a.voxelCount);
          setClusters(all);
          onClusters?.(all);
        },
        (failure: unknown) => !cancelled && setError(errorMessage(failure)),
      );
    }, SETTLE_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
    // onClusters is a notification; a new callback must not ask again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, recordingId, atlasRecordingId, positive, negative]);

  return (
    <section className="fmri-clusters" aria-label="Clusters" data-count={clusters?.length ?? ''} data-voxels={clusters?.reduce((n, c) => n + c.voxelCount, 0) ?? ''}>
      <h3>
        Clusters <span className="muted">(≥ {MIN_VOXELS} voxels, 26-connected)</span>
      </h3>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!error && clusters === null && <p className="muted">Finding clusters…</p>}
      {clusters !== null && clusters.length === 0 && <p className="muted">No cluster above the thresholds.</p>}
      {clusters !== null && clusters.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Sign</th>
              <th scope="col">Voxels</th>
              <th scope="col">Peak</th>
              <th scope="col">Peak at (mm)</th>
              <th scope="col">Region at peak</th>
            </tr>
          </thead>
          <tbody>
            {clusters.slice(0, SHOWN).map((cluster, i) => {
              const row = clusterRow(cluster);
              const go = () => onPick([...cluster.peakMm]);
              return (
                <tr
                  key={`${cluster.sign}${cluster.id}`}
                  tabIndex={0}
                  className="fmri-cluster-row"
                  aria-label={`Cluster ${i + 1}: peak ${row.peak} at ${row.peakMm} mm, ${row.region}`}
                  onClick={go}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      go();
                    }
                  }}
                >
                  <td>{i + 1}</td>
                  <td>{row.sign}</td>
                  <td title={row.volume}>{row.voxels}</td>
                  <td>{row.peak}</td>
                  <td className="fmri-nowrap">{row.peakMm}</td>
                  <td>{row.region}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {clusters !== null && clusters.length > SHOWN && <p className="muted">{clusters.length - SHOWN} smaller clusters not listed.</p>}
    </section>
  );
}
