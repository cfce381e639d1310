/**
 * One value per atlas region painted on the atlas (NiiVue, over the template): connectivity
 * strength now, Brain-JEPA embeddings next. Used by the series and cohort panels, which give the
 * atlas, the regions' label indices in their order, the values and what they are (the caption).
 * The crosshair readout names the region under it and its value.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Recording } from '../../../../shared/api/index.js';
import { errorMessage, useApi } from '../../api/context.js';
import type { Vec3 } from '../volume/affine.js';
import { atlasLabelAt, regionNames } from '../volume/atlasLookup.js';
import { ColourBar } from '../volume/ColourBar.js';
import { formatMm } from '../volume/clusterTable.js';
import { formatValue } from '../volume/colourScale.js';
import { defaultTemplate } from '../volume/companions.js';
import { LayoutSwitch } from '../volume/LayoutSwitch.js';
import { NiivueCanvas, type SliceLayout } from '../volume/NiivueCanvas.js';
import { niftiFromVolume } from '../volume/niftiWriter.js';
import { backgroundNeedsHalving, grayLayer, type VolumeLayer } from '../volume/niivueLayers.js';
import { isSoftwareWebGL } from '../volume/downsample.js';
import { useBrainVolume } from '../volume/useBrainVolume.js';
import '../volume/volume.css';
import { paintRegions, roiWindow } from './paintRegions.js';

/** One value per atlas region painted on the atlas (connectivity strength, Brain-JEPA embeddings). */
export interface RoiMapProps {
  /** The label atlas (a brain-map recording of type atlas) the regions belong to. */
  atlasRecordingId: number;
  /** The atlas label index of each value (the ROI series' regions, in their order). */
  regionIndices: readonly number[];
  values: ArrayLike<number>;
  /** What the values are ("node strength, Pearson"): the colour bar's caption. */
  caption: string;
  /** The background template; by default the imported one whose name says MNI/template/T1 (null: none). */
  templateRecordingId?: number | null;
}

/** The template to paint over when the caller names none: found among the project's recordings. */
function useDefaultTemplate(atlasRecordingId: number, wanted: number | null | undefined): { id: number | null; known: boolean } {
  const api = useApi();
  const [found, setFound] = useState<{ id: number | null; known: boolean }>({ id: null, known: wanted !== undefined });
  useEffect(() => {
    if (wanted !== undefined) return;
    let cancelled = false;
    api.call('recordings.list', {}).then(
      (recordings: Recording[]) => {
        const atlas = recordings.find((r) => r.id === atlasRecordingId);
        if (!cancelled) setFound({ id: atlas ? (defaultTemplate(recordings, atlas)?.id ?? null) : null, known: true });
      },
      () => !cancelled && setFound({ id: null, known: true }),
    );
    return () => {
      cancelled = true;
    };
  }, [api, atlasRecordingId, wanted]);
  return wanted !== undefined ? { id: wanted, known: true } : found;
}

export function RoiMapPanel({ atlasRecordingId, regionIndices, values, caption, templateRecordingId }: RoiMapProps) {
  const template = useDefaultTemplate(atlasRecordingId, templateRecordingId);
  const atlas = useBrainVolume(atlasRecordingId);
  const background = useBrainVolume(template.id);
  const [layout, setLayout] = useState<SliceLayout>('multiplanar');
  const software = useMemo(isSoftwareWebGL, []);
  const [location, setLocation] = useState<Vec3 | null>(null);
  const paintedOrError = useMemo(() => {
    if (!atlas.volume) return null;
    try {
      const first = paintRegions(atlas.volume.data, regionIndices, values);
      const window = roiWindow(first.min, first.max);
      // Regions without a value sit under the window: NiiVue leaves them transparent.
      const below = window.from - (window.to - window.from) - 1;
      const volume = first.volume.map((v) => (Number.isNaN(v) ? below : v));
      return { ...first, volume, window };
    } catch (failure) {
      return { error: errorMessage(failure) };
    }
  }, [atlas.volume, regionIndices, values]);
  const painted = paintedOrError && !('error' in paintedOrError) ? paintedOrError : null;
  const error = paintedOrError && 'error' in paintedOrError ? paintedOrError.error : null;

  const backgroundPending = template.id !== null && background.volume === null && background.error === null;
  const layers = useMemo<VolumeLayer[]>(() => {
    if (!atlas.volume || !painted || !template.known || backgroundPending) return [];
    const out: VolumeLayer[] = [];
    if (background.volume) out.push(grayLayer(background.volume, 1, backgroundNeedsHalving(background.volume, software)));
    const a = atlas.volume;
    // The key follows the values, so new values (another measure, another subject) are drawn.
    let hash = 0;
    for (let i = 0; i < values.length; i += 1) hash = (hash * 31 + Math.round(Number(values[i]) * 1e6)) | 0;
    out.push({
      key: `roi:${a.recordingId}:${regionIndices.length}:${hash}`,
      name: 'roi-map',
      nifti: () => niftiFromVolume({ dims: a.dims, affine: a.affine, data: painted.volume }),
      display: { kind: 'values', from: painted.window.from - (painted.window.to - painted.window.from) * 0.005, to: painted.window.to, opacity: 1 },
    });
    return out;
  }, [atlas.volume, painted, background.volume, backgroundPending, template.known, regionIndices, values, software]);

  const names = useMemo(() => (atlas.volume ? regionNames(atlas.volume.regions) : null), [atlas.volume]);
  const hit = atlas.volume && names && location ? atlasLabelAt(atlas.volume, names, location) : null;
  const hitValue = hit ? regionIndices.indexOf(hit.index) : -1;
  const problem = error ?? atlas.error ?? background.error;

  return (
    <div className="fmri-volume fmri-roimap" aria-label={`ROI map: ${caption}`}>
      <div className="fmri-volume-main">
        <LayoutSwitch value={layout} onChange={setLayout} />
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <NiivueCanvas layers={layers} layout={layout} crosshairMm={null} onLocation={setLocation} label={`ROI map of ${caption}: click to read a region`} />
      </div>
      <aside className="fmri-volume-side">
        {painted && <ColourBar spec={{ kind: 'values', from: painted.window.from, to: painted.window.to }} caption={caption} />}
        <dl className="fmri-readout" aria-label="Crosshair">
          <div>
            <dt>Position</dt>
            <dd>{location ? formatMm(location) : '—'}</dd>
          </div>
          <div>
            <dt>Region</dt>
            <dd data-testid="roimap-region">{hit ? hit.name : location ? 'none' : '—'}</dd>
          </div>
          <div>
            <dt>Value</dt>
            <dd data-testid="roimap-value">{hitValue >= 0 ? formatValue(Number(values[hitValue])) : '—'}</dd>
          </div>
        </dl>
        {painted && painted.missingLabels.length > 0 && (
          <p className="muted">
            {painted.missingLabels.length} regions with values are not in this atlas (labels {painted.missingLabels.slice(0, 5).join(', ')}
            {painted.missingLabels.length > 5 ? '…' : ''}).
          </p>
        )}
      </aside>
    </div>
  );
}
