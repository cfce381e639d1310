/**
 * The Brain view's surface panel (three.js): fsaverage-style hemispheres, pial or inflated, left and
 * right together where both are imported, shaded by sulcal depth, with a label overlay (Yeo
 * networks, in their table colours) and a volume map projected onto the cortex (`fmri.projectToSurface`,
 * sampled on the pial mesh, nearest or trilinear, on the surface or along the normal), thresholded
 * and coloured as in the volume panel. A click reads the vertex: its network and map value.
 */
import { useCallback, useMemo, useState } from 'react';
import type { BrainSurface, Recording, SurfaceValues } from '../../../../shared/api/index.js';
import { useApi } from '../../api/context.js';
import type { BrainPanelProps } from '../panel.js';
import { ColourBar } from '../volume/ColourBar.js';
import { formatValue } from '../volume/colourScale.js';
import { defaultStatMap, fileName, volumeRecordings } from '../volume/companions.js';
import { RecordingPicker } from '../volume/RecordingPicker.js';
import { defaultThresholds, mapRange, type Thresholds } from '../volume/thresholds.js';
import { VolumeControls } from '../volume/VolumeControls.js';
import '../volume/volume.css';
import { hemisphereOf, hemisphereOffsets, matchingValues, meshKind, meshKinds, meshOf, surfaceSet, viewDirection, type Hemisphere } from './hemispheres.js';
import { SurfaceCanvas } from './SurfaceCanvas.js';
import type { PickedVertex } from './surfaceScene.js';
import { sulcalGray, vertexColours, type LabelLayer } from './surfaceColours.js';
import { useLoadedMany } from './useLoadedMany.js';
import './surface.css';

type ViewName = 'lateral' | 'medial' | 'dorsal' | 'anterior' | 'posterior';
type Method = 'nearest' | 'trilinear';
const VIEWS: ViewName[] = ['lateral', 'medial', 'dorsal', 'anterior', 'posterior'];
/** Sampling depths (mm along the vertex normal): on the surface, or a ribbon through the cortex. */
const DEPTHS: Record<string, number[]> = { surface: [0], ribbon: [-2, -1, 0, 1, 2] };

function labelTable(values: SurfaceValues): LabelLayer['table'] {
  return new Map(values.labelTable.map((entry) => [entry.key, { name: entry.name, rgba: entry.rgba }]));
}

export function SurfacePanel({ app, recording, brain }: BrainPanelProps) {
  const api = useApi();
  const recordings = app.recordings.recordings;
  const surfaces = useMemo(() => volumeRecordings(recordings, ['surface']), [recordings]);
  const valueFiles = useMemo(() => volumeRecordings(recordings, ['surface-values']), [recordings]);
  const labelFiles = useMemo(() => volumeRecordings(recordings, ['surface-labels']), [recordings]);
  const volumes = useMemo(() => volumeRecordings(recordings, ['volume']), [recordings]);

  // A label or values file is shown on a mesh of its hemisphere (inflated first: labels read best there).
  const shownHemisphere = hemisphereOf(recording);
  const shownMesh: Recording | null =
    brain.type === 'surface'
      ? recording
      : (meshOf(surfaces, shownHemisphere, brain.vertexCount, 'inflated') ?? meshOf(surfaces, shownHemisphere, brain.vertexCount, 'pial') ?? surfaces.find((s) => hemisphereOf(s) === shownHemisphere) ?? null);
  const kinds = shownMesh ? meshKinds(surfaces, hemisphereOf(shownMesh), shownMesh.metadata.brain?.vertexCount) : [];
  const [kind, setKind] = useState(shownMesh ? meshKind(shownMesh) : '');
  const base = shownMesh && kind !== meshKind(shownMesh) ? (meshOf(surfaces, hemisphereOf(shownMesh), shownMesh.metadata.brain?.vertexCount, kind) ?? shownMesh) : shownMesh;
  const set = useMemo(() => (base ? surfaceSet(base, surfaces).meshes : []), [base, surfaces]);

  const [hemisphereChoice, setHemisphereChoice] = useState<'both' | Hemisphere>('both');
  const [view, setView] = useState<ViewName>('lateral');
  const [showLabels, setShowLabels] = useState(true);
  const [mapId, setMapId] = useState<number | null | undefined>(undefined);
  const chosenMap = mapId === undefined ? (defaultStatMap(recordings)?.id ?? null) : mapId;
  const [method, setMethod] = useState<Method>('trilinear');
  const [depth, setDepth] = useState<keyof typeof DEPTHS>('surface');
  const [thresholds, setThresholds] = useState<Thresholds | null>(null);
  const [opacity, setOpacity] = useState(1);
  const [picked, setPicked] = useState<PickedVertex | null>(null);

  const perMesh = set.map(({ recording: mesh, hemisphere }) => {
    const count = mesh.metadata.brain?.vertexCount;
    const labels =
      brain.type === 'surface-labels' && (shownHemisphere === null || shownHemisphere === hemisphere) ? recording : matchingValues(hemisphere, count, labelFiles, 'labels');
    return {
      mesh,
      hemisphere,
      sulc: matchingValues(hemisphere, count, valueFiles, 'sulc'),
      labels,
      // Sample the volume where the cortex is: the pial mesh of this hemisphere when imported.
      sampling: meshOf(surfaces, hemisphere, count, 'pial') ?? mesh,
    };
  });

  const meshData = useLoadedMany<BrainSurface>(
    perMesh.map((m) => `${m.mesh.id}`),
    (key) => api.call('fmri.surface', { recordingId: Number(key) }),
  );
  const loadValues = (key: string) => api.call('fmri.surfaceValues', { recordingId: Number(key) });
  const sulcData = useLoadedMany<SurfaceValues>(perMesh.map((m) => (m.sulc ? `${m.sulc.id}` : null)), loadValues);
  const labelData = useLoadedMany<SurfaceValues>(perMesh.map((m) => (m.labels ? `${m.labels.id}` : null)), loadValues);
  const projections = useLoadedMany<Float32Array>(
    perMesh.map((m) => (chosenMap === null ? null : JSON.stringify([chosenMap, m.sampling.id, method, DEPTHS[depth]]))),
    async (key) => {
      const [volumeRecordingId, surfaceRecordingId, how, depthsMm] = JSON.parse(key) as [number, number, Method, number[]];
      return (await api.call('fmri.projectToSurface', { volumeRecordingId, surfaceRecordingId, method: how, depthsMm })).values;
    },
  );

  const allMeshes = meshData.every((m) => m.value !== null) && meshData.length > 0;
  const meshes = useMemo(() => {
    if (!allMeshes) return [];
    const loaded = meshData.map((m) => m.value!);
    const bounds = loaded.map((m, i) => {
      let minX = Infinity;
      let maxX = -Infinity;
      for (let v = 0; v < m.vertices.length; v += 3) {
        minX = Math.min(minX, m.vertices[v]!);
        maxX = Math.max(maxX, m.vertices[v]!);
      }
      return { minX, maxX, hemisphere: perMesh[i]!.hemisphere };
    });
    const offsets = hemisphereOffsets(bounds);
    return loaded.map((m, i) => ({ vertices: m.vertices, faces: m.faces, offsetX: offsets[i]! }));
    // perMesh follows the meshes loaded.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [allMeshes, ...meshData.map((m) => m.value)]);

  // Default thresholds from the projected values of every hemisphere shown, once they are in.
  const projected = projections.map((p) => p.value);
  const projectedKey = projected.map((p) => (p ? p.length : 'x')).join(',') + chosenMap;
  const range = useMemo(() => {
    if (chosenMap === null || projected.some((p) => p === null)) return null;
    const all = new Float32Array(projected.reduce((n, p) => n + p!.length, 0));
    let offset = 0;
    for (const p of projected) {
      all.set(p!, offset);
      offset += p!.length;
    }
    return mapRange(all);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [projectedKey, ...projected]);
  const [thresholdsFor, setThresholdsFor] = useState<number | null>(null);
  if (range && chosenMap !== null && thresholdsFor !== chosenMap) {
    // A new map: its own defaults (set during render, so no frame shows the old ones).
    setThresholdsFor(chosenMap);
    setThresholds(defaultThresholds(range));
  }

  const colours = useMemo(() => {
    if (meshes.length === 0) return [];
    return meshes.map((m, i) => {
      const n = m.vertices.length / 3;
      // Data of a finer icosahedral order (fitsMesh): its first n values are this mesh's vertices.
      const first = <T extends Float32Array | Int32Array>(a: T | null | undefined): T | null => (a && a.length >= n ? (a.subarray(0, n) as T) : null);
      const sulc = first(sulcData[i]?.value?.values);
      const labels = labelData[i]?.value;
      const labelKeys = first(labels?.labels);
      const values = projections[i]?.value;
      return vertexColours(
        sulcalGray(sulc, n),
        showLabels && labels && labelKeys ? { labels: labelKeys, table: labelTable(labels), opacity: 0.7 } : null,
        thresholds && values && values.length === n ? { values, positive: thresholds.positive, negative: thresholds.negative, max: thresholds.max, opacity } : null,
      );
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [meshes, showLabels, thresholds, opacity, ...sulcData.map((s) => s.value), ...labelData.map((l) => l.value), ...projected]);

  const oneHemisphere: Hemisphere | null = hemisphereChoice !== 'both' ? hemisphereChoice : view === 'medial' ? (perMesh[0]?.hemisphere ?? null) : null;
  const visible = perMesh.map((m) => oneHemisphere === null || m.hemisphere === oneHemisphere || m.hemisphere === null);
  const lookHemisphere = oneHemisphere ?? (perMesh.length > 1 ? 'left' : (perMesh[0]?.hemisphere ?? null));
  const camera = useMemo(() => viewDirection(view, lookHemisphere), [view, lookHemisphere]);

  const onPick = useCallback((p: PickedVertex | null) => setPicked(p), []);
  const pickedInfo = picked ? readVertex(picked, perMesh[picked.mesh]?.hemisphere ?? null, labelData[picked.mesh]?.value ?? null, projections[picked.mesh]?.value ?? null, sulcData[picked.mesh]?.value ?? null) : null;

  const errors = [...meshData, ...sulcData, ...labelData, ...projections].map((r) => r.error).filter((e): e is string => e !== null);
  const waiting = perMesh.length > 0 && !allMeshes && errors.length === 0;
  const labelsShown = perMesh.filter((m) => m.labels).map((m) => fileName(m.labels!.sourcePath));
  const mapName = chosenMap !== null ? fileName(volumes.find((v) => v.id === chosenMap)?.sourcePath ?? '') : null;

  if (!shownMesh) return <p className="muted">No surface mesh of this hemisphere is imported: import a pial or inflated GIfTI (fsaverage5) to show {fileName(recording.sourcePath)} on.</p>;
  return (
    <div className="fmri-volume fmri-surface" data-labels={labelsShown.join(',')} data-map={mapName ?? ''}>
      <div className="fmri-volume-main">
        <div className="fmri-toolbar">
          <div role="group" aria-label="Views" className="fmri-layout">
            {VIEWS.map((name) => (
              <button key={name} type="button" aria-pressed={view === name} onClick={() => setView(name)}>
                {name[0]!.toUpperCase() + name.slice(1)}
              </button>
            ))}
          </div>
          {kinds.length > 1 && (
            <label>
              Mesh{' '}
              <select aria-label="Mesh" value={kind} onChange={(event) => setKind(event.target.value)}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
          )}
          {perMesh.length > 1 && (
            <label>
              Hemispheres{' '}
              <select aria-label="Hemispheres" value={hemisphereChoice} onChange={(event) => setHemisphereChoice(event.target.value as 'both' | Hemisphere)}>
                <option value="both">both</option>
                <option value="left">left</option>
                <option value="right">right</option>
              </select>
            </label>
          )}
        </div>
        {errors.map((error) => (
          <p key={error} className="error" role="alert">
            {error}
          </p>
        ))}
        {waiting && <p className="muted">Loading the surfaces…</p>}
        <SurfaceCanvas
          meshes={meshes}
          colours={colours}
          visible={visible}
          view={camera}
          onPick={onPick}
          label={`${set.map((m) => fileName(m.recording.sourcePath)).join(' and ')}, ${view} view: drag to turn, click a vertex to read it`}
        />
        <p className="muted fmri-orientation" aria-label="Orientation">
          {orientationNote(view, lookHemisphere)}
        </p>
      </div>
      <aside className="fmri-volume-side" aria-label="Surface details">
        <fieldset className="fmri-controls">
          <legend>Overlays</legend>
          <label>
            <input type="checkbox" checked={showLabels} disabled={labelsShown.length === 0} onChange={(event) => setShowLabels(event.target.checked)} /> Labels{' '}
            <span className="muted">{labelsShown.length ? labelsShown.join(', ') : '(no label file of this hemisphere)'}</span>
          </label>
          <RecordingPicker label="Volume map" recordings={volumes} value={chosenMap} onChange={(id) => setMapId(id)} />
          <label className="fmri-number">
            Sampling{' '}
            <select aria-label="Sampling" value={method} onChange={(event) => setMethod(event.target.value as Method)}>
              <option value="trilinear">trilinear</option>
              <option value="nearest">nearest</option>
            </select>
          </label>
          <label className="fmri-number">
            Depth{' '}
            <select aria-label="Depth" value={depth} onChange={(event) => setDepth(event.target.value as keyof typeof DEPTHS)}>
              <option value="surface">on the pial surface</option>
              <option value="ribbon">mean along the normal, −2…+2 mm</option>
            </select>
          </label>
          {perMesh.some((m) => m.sulc) ? null : <p className="muted fmri-hint">No sulcal depth file imported: plain gray.</p>}
        </fieldset>
        {chosenMap !== null && thresholds && (
          <>
            <ColourBar spec={{ kind: 'signed', ...thresholds }} caption={`${mapName} on the surface`} />
            <VolumeControls thresholds={thresholds} opacity={opacity} onThresholds={setThresholds} onOpacity={setOpacity} />
          </>
        )}
        <dl className="fmri-readout" aria-label="Vertex">
          <div>
            <dt>Vertex</dt>
            <dd data-testid="surface-vertex">{pickedInfo ? `${pickedInfo.hemisphere ?? ''} #${pickedInfo.vertex}` : 'click the surface'}</dd>
          </div>
          <div>
            <dt>Label</dt>
            <dd data-testid="surface-label">{pickedInfo?.label ?? '—'}</dd>
          </div>
          <div>
            <dt>Map value</dt>
            <dd data-testid="surface-value">{pickedInfo?.value ?? '—'}</dd>
          </div>
          <div>
            <dt>Sulcal depth</dt>
            <dd>{pickedInfo?.sulc ?? '—'}</dd>
          </div>
        </dl>
      </aside>
    </div>
  );
}

function readVertex(picked: PickedVertex, hemisphere: Hemisphere | null, labels: SurfaceValues | null, values: Float32Array | null, sulc: SurfaceValues | null) {
  const key = labels?.labels?.[picked.vertex];
  const entry = key === undefined ? undefined : labels?.labelTable.find((e) => e.key === key);
  return {
    hemisphere,
    vertex: picked.vertex,
    label: key === undefined ? null : (entry?.name ?? `label ${key}`),
    value: values ? formatValue(values[picked.vertex]!) : null,
    sulc: sulc?.values ? formatValue(sulc.values[picked.vertex]!) : null,
  };
}

/** What the screen shows, in words (a surface has no slice labels to say it). */
function orientationNote(view: ViewName, hemisphere: Hemisphere | null): string {
  const side = hemisphere === 'right' ? 'right' : 'left';
  switch (view) {
    case 'lateral':
      return `Lateral view of the ${side} hemisphere: anterior to the ${side === 'left' ? 'left' : 'right'}, superior up.`;
    case 'medial':
      return `Medial view of the ${side} hemisphere: anterior to the ${side === 'left' ? 'right' : 'left'}, superior up.`;
    case 'dorsal':
      return 'Dorsal view: anterior up, left hemisphere on the left.';
    case 'anterior':
      return 'Anterior view: superior up, left hemisphere on the right (facing the subject).';
    case 'posterior':
      return 'Posterior view: superior up, left hemisphere on the left.';
  }
}
