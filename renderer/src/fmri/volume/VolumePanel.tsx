/**
 * The Brain view's volume panel (NiiVue): a NIfTI recording in slices and 3D. What it shows depends
 * on the recording:
 * - a statistical map: over a background template (a picker; the MNI template by default), with
 *   positive/negative thresholds, colour bar, opacity, and the clusters beyond the thresholds;
 * - a label atlas: its regions in label colours (over the template where there is one);
 * - a 4D run: one volume at a time in grays, with a volume slider;
 * - any other volume (a template itself): in grays.
 * The crosshair readout gives mm, the voxel and value, and the atlas region under the cursor.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { BrainCluster, BrainVolume } from '../../../../shared/api/index.js';
import type { BrainPanelProps } from '../panel.js';
import type { Vec3 } from './affine.js';
import { atlasLabelAt, regionNames } from './atlasLookup.js';
import { ClusterTable } from './ClusterTable.js';
import { ColourBar } from './ColourBar.js';
import { defaultAtlas, defaultTemplate, fileName, volumeRecordings } from './companions.js';
import { CrosshairReadout } from './CrosshairReadout.js';
import { labelColourMap } from './labelColours.js';
import { LayoutSwitch } from './LayoutSwitch.js';
import { NiivueCanvas, type SliceLayout } from './NiivueCanvas.js';
import { niftiFromVolume } from './niftiWriter.js';
import { backgroundNeedsHalving, grayLayer, type VolumeLayer } from './niivueLayers.js';
import { isSoftwareWebGL } from './downsample.js';
import { RecordingPicker } from './RecordingPicker.js';
import { defaultThresholds, mapRange, type Thresholds } from './thresholds.js';
import { useBrainVolume } from './useBrainVolume.js';
import { RoiMapPanel } from '../roimap/RoiMapPanel.js';
import { regionVolumes } from '../roimap/paintRegions.js';
import { voxelSizes } from './affine.js';
import { VolumeControls } from './VolumeControls.js';
import './volume.css';

type Role = 'map' | 'atlas' | 'run' | 'anatomy';

/** `undefined` until the user picks: the default then follows the recordings imported. */
function usePick(fallback: number | null): [number | null, (id: number | null) => void] {
  const [picked, setPicked] = useState<number | null | undefined>(undefined);
  return [picked === undefined ? fallback : picked, setPicked];
}

export function VolumePanel({ app, recording, brain }: BrainPanelProps) {
  const recordings = app.recordings.recordings;
  const isAtlas = brain.type === 'atlas';
  const isRun = brain.type === 'bold';
  const templates = useMemo(() => volumeRecordings(recordings, ['volume']).filter((r) => r.id !== recording.id), [recordings, recording.id]);
  const atlases = useMemo(() => volumeRecordings(recordings, ['atlas']).filter((r) => r.id !== recording.id), [recordings, recording.id]);
  const [templateId, setTemplateId] = usePick(isRun ? null : (defaultTemplate(recordings, recording)?.id ?? null));
  const [atlasId, setAtlasId] = usePick(isAtlas ? null : (defaultAtlas(recordings, recording)?.id ?? null));
  const [frame, setFrame] = useState(0);
  const [layout, setLayout] = useState<SliceLayout>('multiplanar');
  const [opacity, setOpacity] = useState(1);
  const [thresholds, setThresholds] = useState<Thresholds | null>(null);
  const [location, setLocation] = useState<Vec3 | null>(null);
  const [goTo, setGoTo] = useState<Vec3 | null>(null);
  /** An atlas is shown by its labels, or as an ROI map of its regions' volumes. */
  const [atlasShow, setAtlasShow] = useState<'labels' | 'volumes'>('labels');

  const software = useMemo(isSoftwareWebGL, []);
  const shown = useBrainVolume(recording.id, frame);
  const template = useBrainVolume(isRun ? null : templateId);
  const atlas = useBrainVolume(isAtlas ? null : atlasId);
  const volume = shown.volume;

  const role: Role = isAtlas ? 'atlas' : isRun ? 'run' : volume && (volume.min < 0 || templateId !== null) ? 'map' : 'anatomy';
  const range = useMemo(() => (volume && role === 'map' ? mapRange(volume.data) : null), [volume, role]);
  useEffect(() => {
    if (range && thresholds === null) setThresholds(defaultThresholds(range));
  }, [range, thresholds]);

  // The atlas the readout names regions from: the recording itself when it is one.
  const lookupAtlas: BrainVolume | null = isAtlas ? volume : atlas.volume;
  const names = useMemo(() => (lookupAtlas ? regionNames(lookupAtlas.regions) : null), [lookupAtlas]);
  const region = lookupAtlas && names && location ? atlasLabelAt(lookupAtlas, names, location) : lookupAtlas ? null : undefined;

  const labelColours = useMemo(() => (isAtlas && volume ? labelColourMap(volume.data, volume.regions) : null), [isAtlas, volume]);
  // Wait for every volume asked for, so NiiVue loads the layers once, in order.
  const templatePending = templateId !== null && !isRun && template.volume === null && template.error === null;
  const layers = useMemo<VolumeLayer[]>(() => {
    if (!volume || templatePending) return [];
    const out: VolumeLayer[] = [];
    if (template.volume && role !== 'run') out.push(grayLayer(template.volume, 1, backgroundNeedsHalving(template.volume, software)));
    if (role === 'map' && thresholds) {
      out.push({
        key: `map:${volume.recordingId}`,
        name: volume.name,
        nifti: () => niftiFromVolume(volume),
        display: { kind: 'signed', positive: thresholds.positive, negative: thresholds.negative, max: thresholds.max, opacity },
      });
    } else if (role === 'atlas' && labelColours) {
      out.push({
        key: `atlas:${volume.recordingId}`,
        name: volume.name,
        nifti: () => niftiFromVolume({ ...volume, isAtlas: true }),
        display: { kind: 'labels', colours: labelColours, opacity: template.volume ? Math.min(opacity, 0.7) : opacity },
      });
    } else if (role === 'run' || role === 'anatomy') out.push(grayLayer(volume));
    return out;
  }, [volume, template.volume, templatePending, role, thresholds, opacity, labelColours, software]);

  // The first time clusters arrive, show the strongest one: slices through the middle of the
  // brain often miss the effect.
  const [placed, setPlaced] = useState(false);
  const onClusters = useCallback(
    (clusters: readonly BrainCluster[]) => {
      if (placed || clusters.length === 0) return;
      setPlaced(true);
      setGoTo([...clusters[0]!.peakMm]);
    },
    [placed],
  );

  const sizes = useMemo(() => {
    if (!isAtlas || !volume || atlasShow !== 'volumes') return null;
    const [dx, dy, dz] = voxelSizes(volume.affine);
    return regionVolumes(volume.data, volume.regions, dx * dy * dz);
  }, [isAtlas, volume, atlasShow]);

  const error = shown.error ?? template.error ?? atlas.error;
  const mapName = fileName(recording.sourcePath);
  const atlasSwitch = isAtlas && (
    <div className="fmri-layout" role="radiogroup" aria-label="Show the atlas as">
      <label>
        <input type="radio" name="fmri-atlas-show" checked={atlasShow === 'labels'} onChange={() => setAtlasShow('labels')} /> Labels
      </label>
      <label>
        <input type="radio" name="fmri-atlas-show" checked={atlasShow === 'volumes'} onChange={() => setAtlasShow('volumes')} /> Region volumes (ROI map)
      </label>
    </div>
  );
  if (isAtlas && atlasShow === 'volumes') {
    return (
      <div className="fmri-atlas-roimap">
        {atlasSwitch}
        {sizes && <RoiMapPanel atlasRecordingId={recording.id} regionIndices={sizes.indices} values={sizes.values} caption={`${mapName}: region volume, mm³`} templateRecordingId={templateId} />}
      </div>
    );
  }
  return (
    <div className="fmri-volume" data-role={role}>
      <div className="fmri-volume-main">
        <div className="fmri-toolbar">
          <LayoutSwitch value={layout} onChange={setLayout} />
          {atlasSwitch}
          {!isRun && <RecordingPicker label="Background" recordings={templates} value={templateId} onChange={setTemplateId} />}
          {!isAtlas && <RecordingPicker label="Atlas" recordings={atlases} value={atlasId} onChange={setAtlasId} />}
        </div>
        {isRun && volume && volume.volumeCount > 1 && (
          <label className="fmri-frame">
            Volume{' '}
            <input type="range" aria-label="Volume" min={0} max={volume.volumeCount - 1} value={frame} onChange={(event) => setFrame(Number(event.target.value))} />
            <output>
              {frame + 1} / {volume.volumeCount}
              {volume.trS ? ` (${(frame * volume.trS).toFixed(1)} s)` : ''}
            </output>
          </label>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {!volume && !error && <p className="muted">Loading {mapName}…</p>}
        <NiivueCanvas layers={layers} layout={layout} crosshairMm={goTo} onLocation={setLocation} label={`${mapName} in NiiVue: click or drag to move the crosshair`} />
      </div>
      <aside className="fmri-volume-side" aria-label="Map details">
        {role === 'map' && thresholds && (
          <>
            <ColourBar spec={{ kind: 'signed', ...thresholds }} caption={`${mapName} values`} />
            <VolumeControls thresholds={thresholds} opacity={opacity} onThresholds={setThresholds} onOpacity={setOpacity} />
          </>
        )}
        {role === 'atlas' && (
          <label className="fmri-number">
            Opacity <input type="range" aria-label="Opacity" min={0} max={1} step={0.05} value={opacity} onChange={(event) => setOpacity(Number(event.target.value))} />
          </label>
        )}
        <CrosshairReadout mm={location} volume={volume} region={region} atlasName={isAtlas ? mapName : atlasId !== null ? fileName(atlases.find((a) => a.id === atlasId)?.sourcePath ?? '') : null} />
        {role === 'atlas' && volume && <p className="muted">{volume.regions.length} regions named{brain.labelsFile ? ` in ${fileName(brain.labelsFile)}` : ' (no labels file found beside the image)'}.</p>}
        {role === 'map' && thresholds && (
          <ClusterTable
            recordingId={recording.id}
            atlasRecordingId={atlasId}
            positive={thresholds.positive}
            negative={thresholds.negative}
            onPick={(mm) => setGoTo(mm)}
            onClusters={onClusters}
          />
        )}
        {template.volume && backgroundNeedsHalving(template.volume, software) && (
          <p className="muted fmri-hint">Software WebGL: the background is drawn at {Math.max(...template.volume.voxelSizeMm) * 2} mm to stay interactive.</p>
        )}
        {volume && volume.nonFiniteCount > 0 && <p className="muted">{volume.nonFiniteCount.toLocaleString('en-US')} voxels are not numbers (NaN): shown empty.</p>}
      </aside>
    </div>
  );
}
