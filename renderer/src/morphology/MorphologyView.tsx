/**
 * The Morphology view (Alt+7): reconstructed neurons (SWC) in 3D. A picker of the project's
 * morphologies (several can be shown, side by side along x), colour by SWC type, branch order,
 * Strahler order or path distance, tubes (instanced truncated cones, lines when far or when a very
 * large neuron moves) or lines, perspective or orthographic projection, fit to view (F), a scale bar
 * in µm; clicking a section selects it and shows its metrics; the neuron's morphometrics table
 * (NeuroM's definitions, from the engine) below.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorMessage } from '../components/ErrorMessage.js';
import type { DrawStyle } from './morphologySegments.js';
import type { PickedSegment, Projection } from './morphologyScene.js';
import { COLOR_MODES, colorRange, legendEntries, nodeColors, nodePathDistances, type ColorMode } from './colors.js';
import { MorphologyCanvas, type MorphologyCanvasHandle } from './MorphologyCanvas.js';
import { boundingBox, sideBySideOffsets } from './layout.js';
import { formatMetric, formatUm, metricLabel, typeName } from './format.js';
import { useMorphologyList, useNeurons } from './useMorphologies.js';
import type { DecodedNeuron } from './decode.js';
import type { ViewProps } from '../workbench/viewProps.js';
import { MORPHOLOGY_KEY_HELP } from './keyHelp.js';
import './morphology.css';

const KEY_HELP_ID = 'morphology-key-help';

// It lists the project's neurons itself; from the app context it takes only the recording the
// Library opened it with, shown first.
export function MorphologyView({ app }: ViewProps) {
  const { list, error: listError, loaded } = useMorphologyList();
  const [chosen, setChosen] = useState<number[] | null>(null);
  const [mode, setMode] = useState<ColorMode>('type');
  const [style, setStyle] = useState<DrawStyle>('tubes');
  const [projection, setProjection] = useState<Projection>('perspective');
  const [selection, setSelection] = useState<{ neuron: number; sectionId: number } | null>(null);
  const canvas = useRef<MorphologyCanvasHandle>(null);

  // Until the user picks, show the first morphology; ids no longer listed drop out.
  const ids = useMemo(() => {
    const present = new Set(list.map((item) => item.recordingId));
    const picked = (chosen ?? []).filter((id) => present.has(id));
    if (chosen === null) {
      const first = list.find((item) => item.recordingId === app.selectedRecordingId) ?? list[0];
      return first ? [first.recordingId] : [];
    }
    return picked;
  }, [chosen, list, app.selectedRecordingId]);
  const { neurons, error: neuronError } = useNeurons(ids);

  const toggle = (id: number, on: boolean) => {
    setSelection(null);
    setChosen(on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id));
  };

  useEffect(() => {
    // F fits from anywhere in the view but fields.
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      if (event.key === 'f' || event.key === 'F') {
        event.preventDefault();
        canvas.current?.fit();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <section className="morphology" aria-labelledby="morphology-title">
      <div className="morphology-title">
        <h1 id="morphology-title">Morphology</h1>
      </div>
      <ErrorMessage message={listError ?? neuronError} />
      {loaded && list.length === 0 && <p className="empty">No morphologies in this project yet. Import SWC files in the Library (Alt+1).</p>}
      {list.length > 0 && (
        <div className="morphology-body">
          <fieldset className="morphology-picker">
            <legend>Neurons</legend>
            {list.map((item) => (
              <label key={item.recordingId}>
                <input type="checkbox" checked={ids.includes(item.recordingId)} onChange={(event) => toggle(item.recordingId, event.target.checked)} />
                <span>{item.name}</span>
                <span className="morphology-muted">{item.nodeCount.toLocaleString('en-US')} nodes</span>
              </label>
            ))}
          </fieldset>
          {ids.length === 0 ? (
            <p className="empty">Choose a neuron to show.</p>
          ) : !neurons ? (
            <p className="empty morphology-loading">Loading {ids.length === 1 ? 'the neuron' : `${ids.length} neurons`}…</p>
          ) : (
            <NeuronsView
              canvas={canvas}
              neurons={neurons}
              mode={mode}
              setMode={setMode}
              style={style}
              setStyle={setStyle}
              projection={projection}
              setProjection={setProjection}
              selection={selection}
              setSelection={setSelection}
            />
          )}
        </div>
      )}
    </section>
  );
}

function NeuronsView(props: {
  canvas: React.RefObject<MorphologyCanvasHandle | null>;
  neurons: readonly DecodedNeuron[];
  mode: ColorMode;
  setMode(mode: ColorMode): void;
  style: DrawStyle;
  setStyle(style: DrawStyle): void;
  projection: Projection;
  setProjection(projection: Projection): void;
  selection: { neuron: number; sectionId: number } | null;
  setSelection(selection: { neuron: number; sectionId: number } | null): void;
}) {
  const { neurons, mode, selection, setSelection } = props;
  const offsets = useMemo(() => sideBySideOffsets(neurons.map((n) => boundingBox(n.positions))), [neurons]);
  const pathDistances = useMemo(() => neurons.map((n) => nodePathDistances(n)), [neurons]);
  const range = useMemo(() => colorRange(mode, neurons, pathDistances), [mode, neurons, pathDistances]);
  const colors = useMemo(() => neurons.map((n, k) => nodeColors(n, mode, range, pathDistances[k]!)), [neurons, mode, range, pathDistances]);
  const typesPresent = useMemo(() => {
    const seen = new Set<number>();
    for (const n of neurons) for (let i = 0; i < n.types.length; i += 1) seen.add(n.types[i]!);
    return [...seen].sort((a, b) => a - b);
  }, [neurons]);
  const legend = legendEntries(mode, range, typesPresent);
  const onPick = useCallback(
    (picked: PickedSegment | null) => setSelection(picked && picked.sectionId >= 0 ? { neuron: picked.neuron, sectionId: picked.sectionId } : null),
    [setSelection],
  );
  const selectedNeuron = selection ? neurons[selection.neuron] : undefined;
  const sectionIndex = selection && selectedNeuron ? selectedNeuron.sectionIndex.get(selection.sectionId) : undefined;
  const section = sectionIndex !== undefined ? selectedNeuron!.sections[sectionIndex] : undefined;
  const tableNeuron = selectedNeuron ?? neurons[0]!;
  const label = `${neurons.map((n) => n.name).join(', ')}: ${neurons.reduce((s, n) => s + n.nodeCount, 0).toLocaleString('en-US')} nodes, coloured by ${COLOR_MODES.find((m) => m.id === mode)!.label.toLowerCase()}`;

  return (
    <div className="morphology-main">
      <div className="morphology-toolbar">
        <label>
          Colour by{' '}
          <select aria-label="Colour by" value={mode} onChange={(event) => props.setMode(event.target.value as ColorMode)}>
            {COLOR_MODES.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <span role="radiogroup" aria-label="Draw as" className="morphology-toggle">
          {(['tubes', 'lines'] as const).map((value) => (
            <label key={value}>
              <input type="radio" name="morphology-style" checked={props.style === value} onChange={() => props.setStyle(value)} />
              {value === 'tubes' ? 'Tubes' : 'Lines'}
            </label>
          ))}
        </span>
        <span role="radiogroup" aria-label="Projection" className="morphology-toggle">
          {(['perspective', 'orthographic'] as const).map((value) => (
            <label key={value}>
              <input type="radio" name="morphology-projection" checked={props.projection === value} onChange={() => props.setProjection(value)} />
              {value === 'perspective' ? 'Perspective' : 'Orthographic'}
            </label>
          ))}
        </span>
        <button type="button" onClick={() => props.canvas.current?.fit()} title="Fit to view (F)" aria-keyshortcuts="F">
          Fit
        </button>
        <ul className="morphology-legend" aria-label="Colour legend">
          {legend.map((entry) => (
            <li key={entry.label}>
              <span className={`morphology-swatch`} data-color={entry.color} ref={(el) => void (el && (el.style.background = entry.color))} />
              {entry.label}
            </li>
          ))}
        </ul>
      </div>
      <p id={KEY_HELP_ID} className="morphology-help">
        {MORPHOLOGY_KEY_HELP}
      </p>
      <div className="morphology-panels">
        <MorphologyCanvas
          ref={props.canvas}
          neurons={neurons}
          offsets={offsets}
          colors={colors}
          colorSignature={mode}
          style={props.style}
          projection={props.projection}
          selection={selection}
          label={label}
          keyHelpId={KEY_HELP_ID}
          onPick={onPick}
        />
        <aside className="morphology-side">
          <section className="morphology-section" aria-label="Selected section" data-section-id={section?.id ?? ''}>
            <h2>Section</h2>
            {section ? (
              <dl>
                <dt>Neuron</dt>
                <dd>{selectedNeuron!.name}</dd>
                <dt>Section</dt>
                <dd>#{section.id}</dd>
                <dt>Type</dt>
                <dd>{typeName(section.type)}</dd>
                <dt>Length</dt>
                <dd>{formatUm(section.lengthUm)}</dd>
                <dt>Branch order</dt>
                <dd>{section.branchOrder}</dd>
                <dt>Path distance</dt>
                <dd>{formatUm(section.pathDistanceUm)}</dd>
                <dt>Strahler order</dt>
                <dd>{section.strahlerOrder}</dd>
              </dl>
            ) : (
              <p className="morphology-muted">Click a section in the view.</p>
            )}
          </section>
          <MetricsTable neuron={tableNeuron} />
        </aside>
      </div>
    </div>
  );
}

function MetricsTable({ neuron }: { neuron: DecodedNeuron }) {
  // Neurite types the neuron lacks (no sections) would be columns of zeros.
  const groups = Object.keys(neuron.metrics).filter((group) => neuron.metrics[group]!.sections !== 0);
  const keys = [...new Set(groups.flatMap((group) => Object.keys(neuron.metrics[group]!)))];
  return (
    <section className="morphology-metrics" aria-label={`Metrics of ${neuron.name}`}>
      <h2>Metrics: {neuron.name}</h2>
      {neuron.warnings.length > 0 && <p className="morphology-muted">{neuron.warnings.length} warning(s) on import: {neuron.warnings.slice(0, 3).join('; ')}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {groups.map((group) => (
              <th key={group} scope="col">
                {group}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key}>
              <th scope="row">{metricLabel(key)}</th>
              {groups.map((group) => {
                const value = neuron.metrics[group]![key];
                return <td key={group}>{value === undefined ? '' : formatMetric(key, value)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
