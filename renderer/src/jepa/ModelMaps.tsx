/**
 * "Brain map of the model" (#19): for a cohort, its Brain-JEPA models (jepa.runs), one per-ROI map
 * of the picked model painted on the project's atlas with as many regions (RoiMapPanel, regions
 * matched by order as the series panel does: the cohort's region r is the atlas' r-th label), and
 * beside it the subjects' pooled features on their principal plane (EmbeddingScatter) coloured by
 * diagnosis, sex or site. The maps come from one `jepa.maps` call; switching the map is local.
 */
import { useId, useMemo, useState } from 'react';
import type { JepaMaps, JepaRunSummary, Recording } from '../../../shared/api/index.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { RoiMapPanel } from '../fmri/roimap/RoiMapPanel.js';
import { matchingAtlases } from '../fmri/series/AtlasSection.js';
import { fileName } from '../fmri/series/format.js';
import { useCall } from '../fmri/series/useCall.js';
import { EmbeddingScatter } from './EmbeddingScatter.js';
import './jepa-maps.css';

export type ModelMapKind = 'gradient-1' | 'gradient-2' | 'gradient-3' | 'embedding-norm' | 'residual-norm' | 'attention';

/** The selector's entries: label, and the colour bar's caption (what the values are, in words). */
export const MODEL_MAPS: { kind: ModelMapKind; label: string; caption: string }[] = [
  { kind: 'gradient-1', label: 'Gradient 1', caption: 'brain gradient 1 (diffusion map, a.u.)' },
  { kind: 'gradient-2', label: 'Gradient 2', caption: 'brain gradient 2 (diffusion map, a.u.)' },
  { kind: 'gradient-3', label: 'Gradient 3', caption: 'brain gradient 3 (diffusion map, a.u.)' },
  { kind: 'embedding-norm', label: 'Embedding norm', caption: 'embedding norm (mean ‖token‖₂)' },
  { kind: 'residual-norm', label: 'Norm before the final LN', caption: 'token norm before the final LayerNorm' },
  { kind: 'attention', label: 'Attention received', caption: 'attention received (share, last block)' },
];

export function mapValues(maps: JepaMaps, kind: ModelMapKind): Float64Array | null {
  switch (kind) {
    case 'gradient-1':
      return maps.gradients[0] ?? null;
    case 'gradient-2':
      return maps.gradients[1] ?? null;
    case 'gradient-3':
      return maps.gradients[2] ?? null;
    case 'embedding-norm':
      return maps.embeddingNorm;
    case 'residual-norm':
      return maps.residualNorm;
    case 'attention':
      return maps.attention;
  }
}

/**
 * Values whose spread is tiny beside their size (the output norm is ≈ ‖LN γ‖ for every token, e.g.
 * 8.00005–8.00007; early in training the attention is ≈ 1/R everywhere) would give a colour bar
 * reading "8 8 8 8": such a map is shown as the difference from its mean in units of a power of
 * ten that brings it to a few units, and the caption says so. Others are returned as they are.
 */
export function centreIfFlat(values: Float64Array, caption: string): { values: Float64Array; caption: string } {
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  const mean = sum / values.length;
  if (!(hi > lo) || hi - lo > 1e-3 * Math.abs(mean)) return { values, caption };
  const exponent = Math.floor(Math.log10(Math.max(hi - mean, mean - lo)));
  const superscript = (n: number) => String(n).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]!);
  return {
    values: values.map((v) => (v - mean) / 10 ** exponent),
    caption: `${caption}: difference from the mean ${Number(mean.toPrecision(6))}, × 10${superscript(exponent)}`,
  };
}

export function modelLabel(run: JepaRunSummary): string {
  const model = run.model!;
  const epochs = run.epochsDone === run.epochs ? `${run.epochs} epoch${run.epochs === 1 ? '' : 's'}` : `${run.epochsDone} of ${run.epochs} epochs`;
  return `Model #${model.id}: ${run.config}, ${epochs}${model.status === 'incomplete' ? ' (checkpoint)' : ''}, run ${run.runId}`;
}

export function ModelMaps({ recording, recordings }: { recording: Recording; recordings: readonly Recording[] }) {
  const modelPick = useId();
  const mapPick = useId();
  const atlasPick = useId();
  const runs = useCall('jepa.runs', { recordingId: recording.id });
  // Newest first: the model one most likely wants is the last one trained.
  const withModels = useMemo(() => (runs.value ?? []).filter((r) => r.model !== null).sort((a, b) => b.runId - a.runId), [runs.value]);
  const [chosenModel, setChosenModel] = useState<number | null>(null);
  const run = withModels.find((r) => r.model!.id === chosenModel) ?? withModels[0] ?? null;
  const modelId = run?.model?.id ?? null;
  const maps = useCall('jepa.maps', modelId !== null ? { modelId, recordingId: recording.id } : null);
  const [kind, setKind] = useState<ModelMapKind>('gradient-1');

  const regionCount = recording.metadata.brain?.regionCount ?? 0;
  const atlases = useMemo(() => matchingAtlases(recordings, regionCount), [recordings, regionCount]);
  const [chosenAtlas, setChosenAtlas] = useState<number | null>(null);
  const atlas = atlases.find((a) => a.id === chosenAtlas) ?? atlases[0] ?? null;
  const volume = useCall('fmri.volume', atlas ? { recordingId: atlas.id, volume: 0 } : null);
  const regionIndices = useMemo(() => {
    if (maps.value?.regionIndices) return maps.value.regionIndices;
    return volume.value ? [...volume.value.regions].sort((a, b) => a.index - b.index).map((r) => r.index) : [];
  }, [volume.value, maps.value]);

  const entry = MODEL_MAPS.find((m) => m.kind === kind)!;
  const raw = maps.value ? mapValues(maps.value, kind) : null;
  const shown = useMemo(() => (raw ? centreIfFlat(raw, entry.caption) : null), [raw, entry.caption]);

  return (
    <section className="fmri-card jepa-model-maps" aria-label="Brain-JEPA model">
      <h3>
        Model <span className="muted">Brain-JEPA maps on this cohort</span>
      </h3>
      <ErrorMessage message={runs.error} />
      {runs.value && withModels.length === 0 && (
        <p className="muted">No Brain-JEPA model of this cohort yet: pretrain one with cajal jepa pretrain &lt;project&gt; {recording.id} --config tiny.</p>
      )}
      {run && (
        <div className="jepa-model-controls">
          <label htmlFor={modelPick}>Model</label>
          <select id={modelPick} value={modelId ?? ''} onChange={(event) => setChosenModel(Number(event.target.value))}>
            {withModels.map((r) => (
              <option key={r.model!.id} value={r.model!.id}>
                {modelLabel(r)}
              </option>
            ))}
          </select>
          <label htmlFor={mapPick}>Map</label>
          <select id={mapPick} value={kind} onChange={(event) => setKind(event.target.value as ModelMapKind)}>
            {MODEL_MAPS.map((m) => (
              <option key={m.kind} value={m.kind} disabled={maps.value ? mapValues(maps.value, m.kind) === null : false}>
                {m.label}
              </option>
            ))}
          </select>
          {atlases.length > 1 && (
            <>
              <label htmlFor={atlasPick}>Atlas</label>
              <select id={atlasPick} value={atlas?.id ?? ''} onChange={(event) => setChosenAtlas(Number(event.target.value))}>
                {atlases.map((a) => (
                  <option key={a.id} value={a.id}>
                    {fileName(a.sourcePath)}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
      )}
      <ErrorMessage message={maps.error ?? volume.error} />
      {maps.loading && <p className="muted">Computing the maps of model #{modelId} on every subject…</p>}
      {maps.value && (
        <div className="jepa-model-body">
          <section className="jepa-model-map" aria-label="Model map on the atlas">
            <h4>
              {entry.label} on {atlas ? fileName(atlas.sourcePath) : 'the atlas'}
              <span className="muted">
                {maps.value.subjects} subjects, centre crop of {maps.value.crop.frames} frames
                {maps.value.crop.samplingRate > 1 ? ` (every ${maps.value.crop.samplingRate}th)` : ''}
              </span>
            </h4>
            {!atlas ? (
              <p className="muted">Import a label atlas with {regionCount} regions (e.g. aal.nii.gz with aal.json for ABIDE's AAL 116) to paint the maps on the brain.</p>
            ) : regionIndices.length === maps.value.regions.length && shown ? (
              <RoiMapPanel atlasRecordingId={atlas.id} regionIndices={regionIndices} values={shown.values} caption={shown.caption} />
            ) : (
              volume.value && <p className="muted">The atlas lists {volume.value.regions.length} regions, the cohort {maps.value.regions.length}: not matched.</p>
            )}
          </section>
          <section className="jepa-model-scatter" aria-label="Subjects' embedding">
            <h4>Subjects on the principal plane of their pooled features</h4>
            <EmbeddingScatter embedding={maps.value.embedding} />
          </section>
        </div>
      )}
    </section>
  );
}
