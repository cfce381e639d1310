/**
 * The matrix on the brain, where an atlas with as many regions as the series is imported (ABIDE's
 * 116 regions on aal.nii.gz): each region's node strength painted on the atlas (RoiMapPanel), and
 * the thresholded matrix in the glass brain at the atlas' region centroids (`fmri.graph` on the
 * atlas). Regions are matched by order: the series' region r is the atlas' r-th label.
 */
import { useId, useMemo, useState } from 'react';
import type { ConnectivityMatrix, Recording } from '../../../../shared/api/index.js';
import { recordingKind } from '../../../../shared/api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { GlassBrain } from '../glass/GlassBrain.js';
import { useOutline } from '../glass/useOutline.js';
import { RoiMapPanel } from '../roimap/RoiMapPanel.js';
import { fileName, KIND_UNITS } from './format.js';
import { nodeStrengths } from './matrixColours.js';
import { useCall } from './useCall.js';

/** The project's label atlases with `regionCount` regions. */
export function matchingAtlases(recordings: readonly Recording[], regionCount: number): Recording[] {
  return recordings.filter((r) => recordingKind(r) === 'brain-map' && r.metadata.brain?.type === 'atlas' && r.metadata.brain.regionCount === regionCount);
}

export function AtlasSection(props: { recordings: readonly Recording[]; matrix: ConnectivityMatrix; subjectName: string }) {
  const { matrix } = props;
  const pickId = useId();
  const atlases = useMemo(() => matchingAtlases(props.recordings, matrix.regionCount), [props.recordings, matrix.regionCount]);
  const [chosen, setChosen] = useState<number | null>(null);
  const atlas = atlases.find((a) => a.id === chosen) ?? atlases[0] ?? null;
  const graph = useCall('fmri.graph', atlas ? { recordingId: atlas.id, edgesRecordingId: null } : null);
  const volume = useCall('fmri.volume', atlas ? { recordingId: atlas.id, volume: 0 } : null);
  const outline = useOutline(props.recordings);
  const strengths = useMemo(() => nodeStrengths(matrix.matrix, matrix.regionCount), [matrix]);
  const regionIndices = useMemo(() => (volume.value ? [...volume.value.regions].sort((a, b) => a.index - b.index).map((r) => r.index) : []), [volume.value]);

  if (!atlas) {
    return (
      <p className="muted fmri-card">
        Import a label atlas with {matrix.regionCount} regions (e.g. aal.nii.gz with aal.json for ABIDE's AAL 116) to see node strength on the brain and the glass brain of this matrix.
      </p>
    );
  }
  const unit = KIND_UNITS[matrix.kind];
  return (
    <>
      {atlases.length > 1 && (
        <label htmlFor={pickId}>
          Atlas{' '}
          <select id={pickId} value={atlas.id} onChange={(event) => setChosen(Number(event.target.value))}>
            {atlases.map((a) => (
              <option key={a.id} value={a.id}>
                {fileName(a.sourcePath)}
              </option>
            ))}
          </select>
        </label>
      )}
      <section className="fmri-card fmri-card-map" aria-label="Node strength on the atlas">
        <h3>Node strength on {fileName(atlas.sourcePath)}</h3>
        <ErrorMessage message={volume.error} />
        {regionIndices.length === matrix.regionCount ? (
          <RoiMapPanel atlasRecordingId={atlas.id} regionIndices={regionIndices} values={strengths} caption={`node strength (sum of |${unit.symbol}|), ${props.subjectName}`} />
        ) : (
          volume.value && <p className="muted">The atlas lists {volume.value.regions.length} regions, the series {matrix.regionCount}: not matched.</p>
        )}
      </section>
      <section className="fmri-card fmri-card-wide" aria-label="Glass brain of the matrix">
        <h3>
          Glass brain: {unit.name}, nodes at the centroids of {fileName(atlas.sourcePath)}
        </h3>
        <ErrorMessage message={graph.error} />
        {graph.value && outline.loaded && graph.value.nodes.length === matrix.regionCount && (
          <GlassBrain nodes={graph.value.nodes} weights={matrix.matrix} title={`Glass brain of ${props.subjectName}`} outline={outline.meshes} outlineSource={outline.source} />
        )}
      </section>
    </>
  );
}
