/**
 * The Spikes view (Alt+0): a recording of sorted units as an electrophysiologist reads it. On top
 * the raster of every unit over time (sorted by cell type, rate or id, coloured by cell type;
 * zoomable from the whole recording down to milliseconds); under it the spikes aligned to an event
 * set (the population PSTH, the mean per cell type, the selected unit's aligned raster and PSTH),
 * the selected unit's ISI histogram and its auto- and cross-correlograms; beside them the units.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { SpikeIsi, SpikesSummary } from '../../../shared/api/index.js';
import { ChoiceSelect, withCurrent, type Choice } from '../components/ChoiceSelect.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useElementSize } from '../components/useElementSize.js';
import type { ViewProps } from '../workbench/viewProps.js';
import { typeColors } from './colors.js';
import { CorrelogramPlot } from './CorrelogramPlot.js';
import { IsiPlot } from './IsiPlot.js';
import { ISI_FINE_BIN_S, ISI_MAX_S } from './isi.js';
import { defaultOrder, orderUnits, UNIT_ORDERS, type UnitOrder } from './order.js';
import { binsOf, PopulationPsth, TypeMeans, UnitAligned } from './PsthPlots.js';
import { defaultPsthParams, mostModulated, type PsthParams } from './psth.js';
import { RasterPanel } from './RasterPanel.js';
import type { DensityScale } from './rasterLayout.js';
import { formatSpan, panWindow, spanChoices, windowOfSpan, zoomWindow, type TimeWindow } from './timeWindow.js';
import { UnitsTable } from './UnitsTable.js';
import { useSpikesCall, useSpikesList } from './useSpikesData.js';
import './spikes.css';

const GAP = 8;
/** Event sets with fewer events are not chosen for the PSTH by default. */
const MIN_PSTH_EVENTS = 5;
const CORRELOGRAM_WINDOWS_S = [0.025, 0.05, 0.1, 0.25, 0.5, 1];
const CORRELOGRAM_BINS_S = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02];

export function SpikesView({ app }: ViewProps) {
  const { list, error: listError, loaded } = useSpikesList();
  const [chosen, setChosen] = useState<number | null>(null);
  const summary = useMemo(() => {
    const wanted = chosen ?? app.selectedRecordingId;
    return list.find((item) => item.recordingId === wanted) ?? list[0] ?? null;
  }, [chosen, app.selectedRecordingId, list]);
  // Opening a recording from the Library (a new selection) wins over a pick made here before.
  useEffect(() => setChosen(null), [app.selectedRecordingId]);
  return (
    <section className="spikes" aria-labelledby="spikes-title">
      <ErrorMessage message={listError} />
      {loaded && list.length === 0 && (
        <>
          <h1 id="spikes-title">Spikes</h1>
          <p className="empty">
            No spike recordings in this project yet. Import an NWB units file, a folder of NumPy spike trains (spikes.npy), a Kilosort/Phy folder or a text file of spike
            times in the Library (Alt+1).
          </p>
        </>
      )}
      {!loaded && <h1 id="spikes-title">Spikes</h1>}
      {summary && <RecordingSpikes key={summary.recordingId} summary={summary} list={list} onChoose={setChosen} />}
    </section>
  );
}

interface RecordingProps {
  summary: SpikesSummary;
  list: readonly SpikesSummary[];
  onChoose(recordingId: number): void;
}

/** One recording's panels; mounted afresh for each recording, so every choice starts at its default. */
function RecordingSpikes({ summary, list, onChoose }: RecordingProps) {
  const bounds = useMemo(() => ({ startS: summary.startS, endS: Math.max(summary.endS, summary.startS + 1e-3) }), [summary.startS, summary.endS]);
  const [order, setOrder] = useState<UnitOrder>(() => defaultOrder(summary.units));
  const [scale, setScale] = useState<DensityScale>('unit');
  const [window, setWindow] = useState<TimeWindow>(bounds);
  const rows = useMemo(() => orderUnits(order, summary.units), [order, summary.units]);
  const colors = useMemo(() => typeColors(summary.units.map((unit) => unit.cellType)), [summary.units]);
  const [unitA, setUnitA] = useState<number | null>(() => rows[0] ?? null);
  const [unitB, setUnitB] = useState<number | null>(() => rows[1] ?? rows[0] ?? null);
  // Until the user picks, the first PSTH chooses the units shown (the most stimulus-locked ones).
  const picked = useRef(false);
  const select = useCallback((unit: number, second: boolean) => {
    picked.current = true;
    if (second) setUnitB(unit);
    else setUnitA(unit);
  }, []);
  const onWindow = useCallback((next: TimeWindow) => setWindow(next), []);

  // An event set with a few events at least: one epoch start makes no PSTH worth showing first.
  const [eventSet, setEventSet] = useState<string | null>(() => summary.eventSets.find((set) => set.count >= MIN_PSTH_EVENTS)?.name ?? null);
  const eventInfo = summary.eventSets.find((set) => set.name === eventSet) ?? null;
  const [psthParams, setPsthParams] = useState<PsthParams | null>(null);
  const params = psthParams ?? defaultPsthParams(eventInfo?.count ?? 0, bounds.endS - bounds.startS);
  const [logIsi, setLogIsi] = useState(true);
  const [ccgWindowS, setCcgWindowS] = useState(0.1);
  const [ccgBinS, setCcgBinS] = useState(0.001);

  const main = useRef<HTMLDivElement>(null);
  const size = useElementSize(main);
  const grid = useRef<HTMLDivElement>(null);
  const gridSize = useElementSize(grid);
  const rasterMax = Math.max(140, Math.round(size.height * 0.4));

  const psthRequest =
    eventSet && eventInfo && eventInfo.count > 0
      ? { recordingId: summary.recordingId, eventSet, units: rows.slice(0, 4096), preS: params.preS, postS: params.postS, binS: params.binS, rasterUnit: unitA }
      : null;
  const psth = useSpikesCall('spikes.psth', psthRequest);
  const isi = useSpikesCall('spikes.isi', unitA === null ? null : { recordingId: summary.recordingId, unit: unitA, binS: ISI_FINE_BIN_S, maxS: ISI_MAX_S, refractoryS: 0.002 });
  const auto = useSpikesCall('spikes.correlogram', unitA === null ? null : { recordingId: summary.recordingId, unitA, unitB: unitA, binS: ccgBinS, windowS: ccgWindowS });
  const cross = useSpikesCall(
    'spikes.correlogram',
    unitA === null || unitB === null || unitB === unitA ? null : { recordingId: summary.recordingId, unitA, unitB, binS: ccgBinS, windowS: ccgWindowS },
  );
  const autoB = useSpikesCall('spikes.correlogram', unitB === null ? null : { recordingId: summary.recordingId, unitA: unitB, unitB, binS: ccgBinS, windowS: ccgWindowS });
  const isiB = useSpikesCall('spikes.isi', unitB === null || psthRequest !== null ? null : { recordingId: summary.recordingId, unit: unitB, binS: ISI_FINE_BIN_S, maxS: ISI_MAX_S, refractoryS: 0.002 });

  useEffect(() => {
    const data = psth.data;
    if (picked.current || !data || data.recordingId !== summary.recordingId) return;
    picked.current = true;
    const best = mostModulated(data.rateHz, data.units, data.units.map((unit) => summary.units[unit]?.cellType ?? null), binsOf(data));
    if (best) {
      setUnitA(best.a);
      setUnitB(best.b);
    }
  }, [psth.data, summary]);

  useEffect(() => {
    // ←/→ pan by half the window, +/− zoom about its centre (anywhere in the view but fields).
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      const span = window.endS - window.startS;
      if (event.key === 'ArrowRight') setWindow(panWindow(window, span / 2, bounds));
      else if (event.key === 'ArrowLeft') setWindow(panWindow(window, -span / 2, bounds));
      else if (event.key === '+' || event.key === '=') setWindow(zoomWindow(window, 0.5, 0.5, bounds));
      else if (event.key === '-') setWindow(zoomWindow(window, 2, 0.5, bounds));
      else return;
      event.preventDefault();
    };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, [window, bounds]);

  const durationS = bounds.endS - bounds.startS;
  const whole = window.startS <= bounds.startS && window.endS >= bounds.endS;
  const psthData = psth.data && psth.data.recordingId === summary.recordingId && psth.data.eventSet === eventSet ? psth.data : null;
  const mine = <T extends { recordingId: number }>(data: T | null) => (data && data.recordingId === summary.recordingId ? data : null);
  const isiData = mine(isi.data);
  const autoData = mine(auto.data);
  const crossData = unitB !== null && unitB !== unitA ? mine(cross.data) : null;
  const autoBData = mine(autoB.data);
  const isiBData = mine(isiB.data);
  const withPsth = psthRequest !== null;
  const columns = withPsth ? 4 : 3;
  const cell = { width: Math.max(160, Math.floor((gridSize.width - (columns - 1) * GAP) / columns)), height: Math.max(120, Math.floor((gridSize.height - GAP) / 2)) };
  const plot = (id: string, complete: boolean | undefined, content: ReactNode) => (
    <div key={id} className="spikes-cell" data-testid={`spikes-${id}`} data-complete={complete}>
      {content}
    </div>
  );
  const waiting = (what: string, has: boolean, error: string | null) => <Waiting what={what} has={has} error={error} />;
  const isiCell = (id: string, answer: typeof isi, data: typeof isiData, unit: number | null) =>
    plot(id, answer.current, data ? <IsiPlot isi={data} summary={summary} colors={colors} logX={logIsi} size={cell} /> : waiting('ISI histogram', unit !== null, answer.error));
  const acgCell = (id: string, answer: typeof auto, data: typeof autoData, unit: number | null) =>
    plot(id, answer.current, data ? <CorrelogramPlot correlogram={data} summary={summary} colors={colors} size={cell} /> : waiting('auto-correlogram', unit !== null, answer.error));
  const ccgCell = plot(
    'ccg',
    cross.current || unitB === unitA,
    crossData ? <CorrelogramPlot correlogram={crossData} summary={summary} colors={colors} size={cell} /> : <p className="spikes-muted">Shift+click a second unit for the cross-correlogram.</p>,
  );
  const psthCell = (id: string, what: string, draw: (data: NonNullable<typeof psthData>) => ReactNode) =>
    plot(id, psth.current, psthData && binsOf(psthData) > 0 ? draw(psthData) : waiting(what, withPsth, psth.error));
  const cells = withPsth
    ? [
        psthCell('psth-map', 'PSTH', (data) => <PopulationPsth psth={data} summary={summary} colors={colors} size={cell} />),
        psthCell('unit-raster', 'aligned raster', (data) => <UnitAligned psth={data} summary={summary} colors={colors} size={cell} part="raster" />),
        isiCell('isi', isi, isiData, unitA),
        ccgCell,
        psthCell('type-means', 'mean PSTH', (data) => <TypeMeans psth={data} summary={summary} colors={colors} size={cell} />),
        psthCell('unit-psth', 'unit PSTH', (data) => <UnitAligned psth={data} summary={summary} colors={colors} size={cell} part="psth" />),
        acgCell('acg', auto, autoData, unitA),
        acgCell('acg-b', autoB, autoBData, unitB),
      ]
    : [isiCell('isi', isi, isiData, unitA), acgCell('acg', auto, autoData, unitA), ccgCell, isiCell('isi-b', isiB, isiBData, unitB), acgCell('acg-b', autoB, autoBData, unitB), plot('facts', true, <PairFacts summary={summary} a={unitA} b={unitB} isiA={isiData} isiB={isiBData} />)];

  // The window picker: the whole recording, a preset span, or the current zoom's span (added to the list).
  const shownSpan = window.endS - window.startS;
  const presets: Choice<number | 'whole'>[] = spanChoices(durationS).map((c) => ({ value: c.spanS, label: c.label }));
  const preset = presets.find((c) => typeof c.value === 'number' && Math.abs(c.value - shownSpan) < 1e-9);
  const windowValue = whole ? 'whole' : (preset?.value ?? shownSpan);
  const windowChoices: Choice<number | 'whole'>[] = [{ value: 'whole', label: `whole recording (${formatSpan(durationS)})` }, ...(whole || preset ? presets : withCurrent(presets, shownSpan, formatSpan(shownSpan)))];

  return (
    <>
      <div className="spikes-toolbar">
        <h1 id="spikes-title">Spikes</h1>
        <label>
          Recording{' '}
          <select className="spikes-recording" value={summary.recordingId} onChange={(event) => onChoose(Number(event.target.value))}>
            {list.map((item) => (
              <option key={item.recordingId} value={item.recordingId}>
                {item.name} ({item.unitCount} units)
              </option>
            ))}
          </select>
        </label>
        <ChoiceSelect<UnitOrder> label="Sort" value={order} choices={UNIT_ORDERS.map((c) => ({ value: c.id, label: c.label }))} onChange={setOrder} />
        <ChoiceSelect
          label="Window"
          ariaLabel="Raster window"
          value={windowValue}
          choices={windowChoices}
          onChange={(v) => setWindow(v === 'whole' ? bounds : windowOfSpan(window, v, bounds))}
        />
        <span className="spikes-buttons">
          <button type="button" aria-label="Earlier" title="Earlier (←)" onClick={() => setWindow(panWindow(window, -(window.endS - window.startS) / 2, bounds))}>
            ←
          </button>
          <button type="button" aria-label="Later" title="Later (→)" onClick={() => setWindow(panWindow(window, (window.endS - window.startS) / 2, bounds))}>
            →
          </button>
          <button type="button" aria-label="Zoom in" title="Zoom in (+)" onClick={() => setWindow(zoomWindow(window, 0.5, 0.5, bounds))}>
            +
          </button>
          <button type="button" aria-label="Zoom out" title="Zoom out (−)" onClick={() => setWindow(zoomWindow(window, 2, 0.5, bounds))}>
            −
          </button>
        </span>
      </div>
      <p className="spikes-note" data-testid="spikes-note">
        <strong>{summary.name}</strong> · {summary.unitCount} units · {summary.spikeCount.toLocaleString('en')} spikes · {formatSpan(durationS)} ·{' '}
        {summary.eventSets.length ? summary.eventSets.map((set) => `${set.name} (${set.count})`).join(', ') : 'no event sets'}
        <span className="spikes-legend">
          {colors.legend.map((entry) => (
            <span key={entry.type ?? ''}>
              <span className="spikes-swatch" style={{ background: entry.color }} />
              {entry.type ?? 'no cell type'} ({entry.count})
            </span>
          ))}
        </span>
        {summary.warnings.length > 0 && (
          <details className="spikes-warnings">
            <summary>
              {summary.warnings.length} note{summary.warnings.length === 1 ? '' : 's'} from the reader
            </summary>
            <ul>
              {summary.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          </details>
        )}
      </p>
      <div className="spikes-body">
        <div className="spikes-main" ref={main}>
          {size.width > 0 && (
            <>
              <RasterPanel
                summary={summary}
                rows={rows}
                colors={colors}
                window={window}
                onWindow={onWindow}
                width={size.width}
                maxHeight={rasterMax}
                scale={scale}
                onScale={setScale}
                unitA={unitA}
                unitB={unitB}
                onSelect={select}
              />
              <div className="spikes-controls">
                {summary.eventSets.length > 0 ? (
                  <PsthControls
                    eventSets={summary.eventSets}
                    eventSet={eventSet}
                    params={params}
                    onEventSet={(name) => {
                      setEventSet(name || null);
                      setPsthParams(null);
                    }}
                    onParams={setPsthParams}
                    used={psthData?.eventCount ?? null}
                  />
                ) : (
                  <span className="spikes-muted">No event sets in this recording: the PSTH needs stimulus or trial times.</span>
                )}
                <label>
                  <input type="checkbox" checked={logIsi} onChange={(event) => setLogIsi(event.target.checked)} /> ISI log scale
                </label>
                <label>
                  Correlogram ±{' '}
                  <select aria-label="Correlogram window" value={ccgWindowS} onChange={(event) => setCcgWindowS(Number(event.target.value))}>
                    {CORRELOGRAM_WINDOWS_S.map((w) => (
                      <option key={w} value={w}>
                        {w * 1000} ms
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  bins{' '}
                  <select aria-label="Correlogram bin" value={ccgBinS} onChange={(event) => setCcgBinS(Number(event.target.value))}>
                    {CORRELOGRAM_BINS_S.filter((b) => (2 * ccgWindowS) / b <= 10_000 && b <= ccgWindowS / 5).map((b) => (
                      <option key={b} value={b}>
                        {b * 1000} ms
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <ErrorMessage message={psth.error ?? isi.error ?? auto.error ?? cross.error ?? autoB.error ?? isiB.error} />
            </>
          )}
          <div className="spikes-grid" ref={grid} style={{ gridTemplateColumns: `repeat(${columns}, ${cell.width}px)`, gridTemplateRows: `repeat(2, ${cell.height}px)` }} data-testid="spikes-grid">
                {gridSize.width > 0 && cells}
              </div>
        </div>
        <aside className="spikes-side">
          <UnitsTable summary={summary} rows={rows} colors={colors} unitA={unitA} unitB={unitB} onSelect={select} />
        </aside>
      </div>
    </>
  );
}

/** The two selected units side by side: what the file says and what their intervals show. */
function PairFacts({ summary, a, b, isiA, isiB }: { summary: SpikesSummary; a: number | null; b: number | null; isiA: SpikeIsi | null; isiB: SpikeIsi | null }) {
  const units = [a, b].filter((unit, k, all): unit is number => unit !== null && all.indexOf(unit) === k);
  const isiOf = (unit: number) => [isiA, isiB].find((isi) => isi?.unit === unit) ?? null;
  return (
    <table className="data-table spikes-facts" data-testid="spikes-pair-facts">
      <caption>Selected units</caption>
      <thead>
        <tr>
          <th scope="col" />
          {units.map((unit, k) => (
            <th key={unit} scope="col">
              {k === 0 ? 'A' : 'B'}: {summary.units[unit]?.id}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">cell type</th>
          {units.map((unit) => (
            <td key={unit}>{summary.units[unit]?.cellType ?? '—'}</td>
          ))}
        </tr>
        <tr>
          <th scope="row">spikes</th>
          {units.map((unit) => (
            <td key={unit} className="number">
              {summary.units[unit]?.spikeCount.toLocaleString('en')}
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row">mean rate</th>
          {units.map((unit) => (
            <td key={unit} className="number">
              {Number(summary.units[unit]?.rateHz.toPrecision(3))} Hz
            </td>
          ))}
        </tr>
        <tr>
          <th scope="row">intervals &lt; 2 ms</th>
          {units.map((unit) => {
            const isi = isiOf(unit);
            return (
              <td key={unit} className="number">
                {isi ? `${(isi.refractoryViolations * 100).toFixed(3)} %` : '…'}
              </td>
            );
          })}
        </tr>
      </tbody>
    </table>
  );
}

function Waiting({ what, has, error }: { what: string; has: boolean; error: string | null }) {
  if (error) return null;
  return <p className="spikes-muted">{has ? `Computing the ${what}…` : `No ${what}: select a unit and an event set.`}</p>;
}

interface PsthControlsProps {
  eventSets: SpikesSummary['eventSets'];
  eventSet: string | null;
  params: PsthParams;
  /** The empty string: no PSTH. */
  onEventSet(name: string): void;
  onParams(params: PsthParams): void;
  used: number | null;
}

/** Event set, window and bin of the PSTH; a field's value is used once it is a valid number. */
function PsthControls({ eventSets, eventSet, params, onEventSet, onParams, used }: PsthControlsProps) {
  return (
    <>
      <label>
        PSTH aligned to{' '}
        <select value={eventSet ?? ''} onChange={(event) => onEventSet(event.target.value)}>
          <option value="">none</option>
          {eventSets.map((set) => (
            <option key={set.name} value={set.name} disabled={set.count === 0}>
              {set.name} ({set.count})
            </option>
          ))}
        </select>
      </label>
      {eventSet === null && <span className="spikes-muted">{eventSets.map((set) => `${set.name}: ${set.count} event${set.count === 1 ? '' : 's'}`).join(', ')} — too few for a PSTH to mean much; choose one to see it anyway</span>}
      {eventSet !== null && (
        <>
      <NumberField label="before" value={params.preS} unit="s" min={0} onValue={(preS) => onParams({ ...params, preS })} />
      <NumberField label="after" value={params.postS} unit="s" min={0.001} onValue={(postS) => onParams({ ...params, postS })} />
      <NumberField label="bin" value={params.binS * 1000} unit="ms" min={0.1} onValue={(ms) => onParams({ ...params, binS: ms / 1000 })} />
      {used !== null && <span className="spikes-muted">{used} events with their whole window in the recording</span>}
        </>
      )}
    </>
  );
}

/** A number field that reports a valid value on Enter or leaving it, and shows the value in use otherwise. */
function NumberField({ label, value, unit, min, onValue }: { label: string; value: number; unit: string; min: number; onValue(value: number): void }) {
  const [text, setText] = useState<string | null>(null);
  const commit = () => {
    const parsed = Number(text);
    if (text !== null && Number.isFinite(parsed) && parsed >= min) onValue(parsed);
    setText(null);
  };
  return (
    <label>
      {label}{' '}
      <input
        type="number"
        className="spikes-number"
        aria-label={`PSTH ${label}`}
        min={min}
        step="any"
        value={text ?? String(Number(value.toPrecision(6)))}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => event.key === 'Enter' && commit()}
      />{' '}
      {unit}
    </label>
  );
}
