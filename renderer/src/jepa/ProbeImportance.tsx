/**
 * The probe's ROI importance in a `jepa-probe` run (result "roi-importance",
 * main/pipelines/jepa/importance.ts): for the picked target, features and probe, the ROIs the probe
 * leans on as bars (share × number of ROIs: 1 is uniform) with each fold's value, the whole map
 * painted on a label atlas of the project with as many regions (RoiMapPanel, regions matched by
 * order as the Model maps do), and two numbers that say how far to trust it: how much the folds
 * agree, and how much the map equals the random-init encoder's for the same probe (a map the
 * encoder makes whatever the probe learnt).
 */
import { useId, useMemo, useState } from 'react';
import { JepaRoiImportance, type JepaRoiImportanceMap, type Recording } from '../../../shared/api/index.js';
import { RoiMapPanel } from '../fmri/roimap/RoiMapPanel.js';
import { matchingAtlases } from '../fmri/series/AtlasSection.js';
import { fileName } from '../fmri/series/format.js';
import { useCall } from '../fmri/series/useCall.js';
import './jepa-maps.css';

/** Bars shown: the strongest ROIs. */
const TOP = 15;

const FEATURE_NAMES: Record<JepaRoiImportanceMap['features'], string> = {
  pretrained: 'Pretrained (target encoder)',
  'pretrained-context': 'Pretrained context encoder',
  'random-init': 'Random init',
  connectivity: 'Connectivity',
};
const PROBE_NAMES: Record<JepaRoiImportanceMap['probe'], string> = { 'linear-probe': 'linear probe', 'logistic-regression': 'logistic regression' };

export function parseImportance(value: unknown): JepaRoiImportance | null {
  const parsed = JepaRoiImportance.safeParse(value);
  return parsed.success && parsed.data.maps.length > 0 ? parsed.data : null;
}

/** Pearson correlation of two maps (null when one is constant). */
export function mapCorrelation(a: readonly number[], b: readonly number[]): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 2) return null;
  const ma = a.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const mb = b.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

function ImportanceBars({ map, regions }: { map: JepaRoiImportanceMap; regions: readonly string[] }) {
  const r = map.mean.length;
  const top = [...map.mean.keys()].sort((a, b) => map.mean[b]! - map.mean[a]!).slice(0, TOP);
  const max = Math.max(...top.flatMap((i) => [map.mean[i]!, ...map.folds.map((f) => f[i] ?? 0)])) * r;
  const width = 520;
  const labelWidth = 150;
  const row = 18;
  const height = top.length * row + 24;
  const x = (v: number) => labelWidth + ((width - labelWidth - 44) * v) / Math.max(max, 1e-12);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={`ROI importance bars: the ${top.length} strongest of ${r} ROIs`}>
      {top.map((roi, k) => {
        const y = k * row + 2;
        const value = map.mean[roi]! * r;
        return (
          <g key={roi} data-roi={regions[roi] ?? `ROI ${roi + 1}`}>
            <text x={labelWidth - 6} y={y + 12} textAnchor="end" fontSize="11" fill="var(--text)">
              {regions[roi] ?? `ROI ${roi + 1}`}
            </text>
            <rect x={labelWidth} y={y + 2} width={Math.max(0, x(value) - labelWidth)} height={row - 6} fill="var(--accent, #3a7bd5)" opacity={0.8} />
            {map.folds.map((f, i) => (
              <circle key={i} cx={x((f[roi] ?? 0) * r)} cy={y + row / 2 - 1} r={2.2} fill="var(--text, #222)" opacity={0.7}>
                <title>{`fold ${i + 1}: ${((f[roi] ?? 0) * r).toFixed(2)} × uniform`}</title>
              </circle>
            ))}
            <text x={width - 2} y={y + 12} textAnchor="end" fontSize="10" fill="var(--muted, #666)">
              {value.toFixed(2)}
            </text>
          </g>
        );
      })}
      <line x1={x(1)} x2={x(1)} y1={0} y2={top.length * row + 2} stroke="var(--muted, #888)" strokeDasharray="3 3" />
      <text x={x(1)} y={top.length * row + 16} fontSize="10" textAnchor="middle" fill="var(--muted, #666)">
        uniform (1)
      </text>
    </svg>
  );
}

export function ProbeImportance({ importance, recordings }: { importance: JepaRoiImportance; recordings: readonly Recording[] }) {
  const targetPick = useId();
  const featuresPick = useId();
  const probePick = useId();
  const targets = useMemo(() => [...new Set(importance.maps.map((m) => m.target))], [importance]);
  const [target, setTarget] = useState(targets[0]!);
  const features = useMemo(() => [...new Set(importance.maps.filter((m) => m.target === target).map((m) => m.features))], [importance, target]);
  const [chosenFeatures, setFeatures] = useState<JepaRoiImportanceMap['features']>('pretrained');
  const source = features.includes(chosenFeatures) ? chosenFeatures : features[0]!;
  const [probe, setProbe] = useState<JepaRoiImportanceMap['probe']>('linear-probe');
  const map = importance.maps.find((m) => m.target === target && m.features === source && m.probe === probe) ?? importance.maps.find((m) => m.target === target && m.features === source)!;
  const control = source !== 'random-init' ? importance.maps.find((m) => m.target === target && m.features === 'random-init' && m.probe === map.probe) : undefined;
  const sameAsRandom = control ? mapCorrelation(map.mean, control.mean) : null;

  const regionCount = importance.regions.length;
  const atlases = useMemo(() => matchingAtlases(recordings, regionCount), [recordings, regionCount]);
  const atlas = atlases[0] ?? null;
  const volume = useCall('fmri.volume', atlas ? { recordingId: atlas.id, volume: 0 } : null);
  const regionIndices = useMemo(() => (volume.value ? [...volume.value.regions].sort((a, b) => a.index - b.index).map((r) => r.index) : []), [volume.value]);
  const shares = useMemo(() => map.mean.map((v) => v * regionCount), [map, regionCount]);

  return (
    <section className="jepa-importance" aria-label="ROI importance of the probes">
      <h4>Which ROIs the probes lean on</h4>
      <div className="jepa-model-controls">
        {targets.length > 1 && (
          <>
            <label htmlFor={targetPick}>Target</label>
            <select id={targetPick} value={target} onChange={(event) => setTarget(event.target.value as typeof target)}>
              {targets.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor={featuresPick}>Features</label>
        <select id={featuresPick} value={source} onChange={(event) => setFeatures(event.target.value as typeof source)}>
          {features.map((f) => (
            <option key={f} value={f}>
              {FEATURE_NAMES[f]}
            </option>
          ))}
        </select>
        <label htmlFor={probePick}>Probe</label>
        <select id={probePick} value={map.probe} onChange={(event) => setProbe(event.target.value as typeof probe)}>
          {(['linear-probe', 'logistic-regression'] as const).map((p) => (
            <option key={p} value={p}>
              {PROBE_NAMES[p]}
            </option>
          ))}
        </select>
      </div>
      <p className="result-line jepa-importance-note">
        {FEATURE_NAMES[map.features]}, {PROBE_NAMES[map.probe]}, {map.target}: each ROI's share of the probe's score by first-order occlusion (|Σ gradient × input| over its frames), on {map.subjects} held-out subjects, × {regionCount} (1 = uniform).{' '}
        {map.agreement === null ? 'One fold: no agreement to measure.' : `The folds' maps agree r = ${map.agreement.toFixed(2)}.`}{' '}
        {sameAsRandom !== null && `Correlation with the random-init encoder's map for the same probe: r = ${sameAsRandom.toFixed(2)}${sameAsRandom > 0.9 ? ' — the map is mostly the encoder\u2019s and the input\u2019s, not what the probe learnt' : ''}.`}
      </p>
      <div className="jepa-importance-body">
        <ImportanceBars map={map} regions={importance.regions} />
        <div className="jepa-model-map" aria-label="ROI importance on the atlas">
          {!atlas ? (
            <p className="muted">Import a label atlas with {regionCount} regions (e.g. aal.nii.gz with aal.json for ABIDE's AAL 116) to paint the map on the brain.</p>
          ) : regionIndices.length === regionCount ? (
            <RoiMapPanel atlasRecordingId={atlas.id} regionIndices={regionIndices} values={shares} caption={`ROI importance on ${fileName(atlas.sourcePath)} (× uniform), ${PROBE_NAMES[map.probe]}`} />
          ) : (
            volume.value && <p className="muted">The atlas lists {volume.value.regions.length} regions, the cohort {regionCount}: not matched.</p>
          )}
        </div>
      </div>
    </section>
  );
}
