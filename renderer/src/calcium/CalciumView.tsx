/**
 * The Traces view (Alt+8): a calcium-imaging recording as a lab scientist reads it. On top, the
 * heat map of every cell over the whole recording; below it the traces of the cells on screen over
 * the chosen time window (ΔF/F, or the file's values as they are, as the note says), sorted by
 * activity, name or file order and scrolled; under them the behaviour recorded with the imaging
 * (Flavell files); beside them the ROI positions where the file has them. The frame rate can be
 * set where the file lacks one.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CalciumSummary, CalciumTraceSource } from '../../../shared/api/index.js';
import { ChoiceSelect } from '../components/ChoiceSelect.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useElementSize } from '../components/useElementSize.js';
import type { ViewProps } from '../workbench/viewProps.js';
import { BehaviourPanel, BEHAVIOUR_LANE_HEIGHT, TIME_AXIS_HEIGHT } from './BehaviourPanel.js';
import { LABEL_WIDTH, RIGHT_MARGIN } from './canvas.js';
import { FrameRateField } from './FrameRateField.js';
import { HeatmapPanel } from './HeatmapPanel.js';
import { CELL_ORDERS, orderCells, type CellOrder } from './order.js';
import { RoiMap } from './RoiMap.js';
import { TracesPanel } from './TracesPanel.js';
import { useCalciumList, useOverview, usePage } from './useCalciumData.js';
import { clampWindow, windowChoices } from './windows.js';
import './calcium.css';

const ROI_WIDTH = 300;

export function CalciumView({ app }: ViewProps) {
  const { list, error: listError, loaded, refresh } = useCalciumList();
  const [chosen, setChosen] = useState<number | null>(null);
  const recordingId = useMemo(() => {
    const wanted = chosen ?? app.selectedRecordingId;
    return (list.find((item) => item.recordingId === wanted) ?? list[0])?.recordingId ?? null;
  }, [chosen, app.selectedRecordingId, list]);
  // Opening a recording from the Library (a new selection) wins over a pick made here before.
  useEffect(() => setChosen(null), [app.selectedRecordingId]);
  const [version, setVersion] = useState(0);
  const [order, setOrder] = useState<CellOrder>('activity');
  const [windowFrames, setWindowFrames] = useState<number | null>(null);
  const [startFrame, setStartFrame] = useState(0);
  const [selectedCell, setSelectedCell] = useState<number | null>(null);
  const [revealCell, setRevealCell] = useState<number | null>(null);
  const [visibleCells, setVisibleCells] = useState<number[]>([]);

  const main = useRef<HTMLDivElement>(null);
  const size = useElementSize(main);
  const plotWidth = Math.max(0, Math.floor(size.width - LABEL_WIDTH - RIGHT_MARGIN));
  const [traceSource, setTraceSource] = useState<CalciumTraceSource>('main');
  const { overview, error: overviewError } = useOverview(recordingId, plotWidth, version, traceSource);

  // A new recording starts on its whole length, no cell selected.
  useEffect(() => {
    setWindowFrames(null);
    setStartFrame(0);
    setSelectedCell(null);
    setChosenBehaviour(null);
    setTraceSource('main');
  }, [recordingId]);

  const names = overview?.cellNames ?? [];
  const rows = useMemo(() => (overview ? orderCells(order, overview.cellNames, overview.activity) : []), [overview, order]);
  const frameCount = overview?.frameCount ?? 1;
  const shown = clampWindow(startFrame, windowFrames ?? frameCount, frameCount);
  const choices = overview ? windowChoices(frameCount, overview.frameRateHz) : [];

  const onVisibleCells = useCallback((cells: number[]) => setVisibleCells(cells), []);
  const request =
    overview && recordingId !== null && plotWidth > 0
      ? { recordingId, cells: visibleCells.filter((cell) => cell < overview.cellCount), startFrame: shown.start, endFrame: shown.end, columns: plotWidth, traces: traceSource }
      : null;
  const { page, error: pageError } = usePage(request, version);

  const [chosenBehaviour, setChosenBehaviour] = useState<string[] | null>(null);
  const behaviourNames = useMemo(() => (overview?.behaviour ?? []).map((b) => b.name), [overview]);
  const shownBehaviour = chosenBehaviour ?? defaultBehaviour(behaviourNames);
  const behaviour = (page?.behaviour ?? []).filter((b) => shownBehaviour.includes(b.name));
  const behaviourHeight = behaviour.length * BEHAVIOUR_LANE_HEIGHT + TIME_AXIS_HEIGHT;
  const heatHeight = Math.max(120, Math.min(260, Math.round(size.height * 0.3)));
  const tracesHeight = Math.max(120, size.height - heatHeight - behaviourHeight - 8);

  const select = (cell: number) => {
    setSelectedCell(cell);
    setRevealCell(cell);
  };
  const seek = (frame: number) => setStartFrame(frame - (shown.end - shown.start) / 2);
  const rateChanged = (_summary: CalciumSummary) => {
    setVersion((v) => v + 1);
    setWindowFrames(null);
    refresh();
    // The Library's rate and duration columns read the recording's metadata, which now holds the rate.
    app.recordings.refresh();
  };

  useEffect(() => {
    // ←/→ move the window by half its length (anywhere in the view but fields).
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
      const half = Math.max(1, Math.floor((shown.end - shown.start) / 2));
      if (event.key === 'ArrowRight') setStartFrame(shown.start + half);
      else if (event.key === 'ArrowLeft') setStartFrame(shown.start - half);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shown.start, shown.end]);

  const summary = list.find((item) => item.recordingId === recordingId) ?? null;
  const selectedName = selectedCell !== null ? names[selectedCell] : null;

  return (
    <section className="calcium" aria-labelledby="calcium-title">
      <div className="calcium-toolbar">
        <h1 id="calcium-title">Traces</h1>
        {list.length > 0 && (
          <label>
            Recording{' '}
            <select value={recordingId ?? ''} onChange={(event) => setChosen(Number(event.target.value))}>
              {list.map((item) => (
                <option key={item.recordingId} value={item.recordingId}>
                  {item.name} ({item.cellCount} cells)
                </option>
              ))}
            </select>
          </label>
        )}
        {summary && <FrameRateField summary={overview && overview.recordingId === summary.recordingId ? { ...summary, ...pickRate(overview) } : summary} onChanged={rateChanged} />}
        {overview && (
          <>
            {overview.hasDeconvolved && (
              <label>
                Show{' '}
                <select aria-label="Traces to show" value={traceSource} onChange={(event) => setTraceSource(event.target.value as CalciumTraceSource)}>
                  <option value="main">{traceSource === 'main' ? overview.displayLabel : 'ΔF/F'}</option>
                  <option value="deconvolved">deconvolved (spks.npy)</option>
                </select>
              </label>
            )}
            <ChoiceSelect<CellOrder> label="Sort" value={order} choices={CELL_ORDERS.map((c) => ({ value: c.id, label: c.label }))} onChange={setOrder} />
            <ChoiceSelect<number>
              label="Window"
              value={windowFrames ?? frameCount}
              choices={choices.map((c) => ({ value: c.frames, label: c.label }))}
              onChange={(frames) => {
                setWindowFrames(frames);
                setStartFrame(shown.start + (shown.end - shown.start) / 2 - frames / 2);
              }}
            />
            {shown.end - shown.start < frameCount && (
              <input
                type="range"
                className="calcium-scroll"
                aria-label="Start of the window"
                min={0}
                max={frameCount - (shown.end - shown.start)}
                value={shown.start}
                onChange={(event) => setStartFrame(Number(event.target.value))}
              />
            )}
          </>
        )}
      </div>
      {overview && (
        <p className="calcium-note" data-testid="calcium-note">
          <strong>{overview.displayLabel}</strong>: {overview.displayNote}. {overview.cellCount} cells × {overview.frameCount} frames
          {overview.frameRateHz ? ` at ${Number(overview.frameRateHz.toPrecision(4))} Hz (${formatDuration(overview.frameCount / overview.frameRateHz)})` : ', frame rate unknown'}.
        </p>
      )}
      <ErrorMessage message={listError ?? overviewError ?? pageError} />
      {loaded && list.length === 0 && <p className="empty">No calcium recordings in this project yet. Import a Suite2p folder, an NWB or HDF5 file or a CSV matrix in the Library (Alt+1).</p>}
      {/* Always in the page: its size is measured from the first render on (the list loads later). */}
      <div className="calcium-body">
        <div className="calcium-main" ref={main}>
          {overview && size.width > 0 && (
            <>
              <HeatmapPanel overview={overview} rows={rows} width={size.width} height={heatHeight} window={shown} selectedCell={selectedCell} onSeek={seek} />
              <TracesPanel
                names={names}
                rows={rows}
                page={page}
                unit={overview.displayLabel}
                width={size.width}
                height={tracesHeight}
                selectedCell={selectedCell}
                onVisibleCells={onVisibleCells}
                onSelect={select}
                revealCell={revealCell}
                window={shown}
              />
              <BehaviourPanel behaviour={behaviour} columns={page?.columns ?? 0} frameRateHz={overview.frameRateHz} window={shown} width={size.width} />
            </>
          )}
          {recordingId !== null && !overview && !overviewError && <p className="calcium-muted">Reading the recording…</p>}
        </div>
        {overview && (
          <aside className="calcium-side">
            <h2>ROI positions</h2>
            {overview.positions ? (
              <RoiMap
                positions={overview.positions}
                activity={overview.activity}
                isCell={overview.isCell}
                names={names}
                selectedCell={selectedCell}
                width={ROI_WIDTH}
                height={ROI_WIDTH}
                onSelect={select}
              />
            ) : (
              <p className="calcium-muted" data-testid="calcium-no-positions">This file gives no cell positions.</p>
            )}
            {behaviourNames.length > 0 && (
              <fieldset className="calcium-behaviour-picker">
                <legend>Behaviour under the traces</legend>
                {behaviourNames.map((name) => (
                  <label key={name}>
                    <input
                      type="checkbox"
                      checked={shownBehaviour.includes(name)}
                      onChange={(event) => setChosenBehaviour(event.target.checked ? [...shownBehaviour, name] : shownBehaviour.filter((other) => other !== name))}
                    />{' '}
                    {name.replace(/_/g, ' ')}
                  </label>
                ))}
              </fieldset>
            )}
            <p className="calcium-muted">Colour: activity (standard deviation of {overview.displayLabel}). Click a cell or a trace to select it.</p>
            {selectedCell !== null && (
              <dl className="calcium-cell" data-testid="calcium-selected">
                <dt>Cell</dt>
                <dd>{selectedName}</dd>
                <dt>Index in file</dt>
                <dd>{selectedCell + 1}</dd>
                <dt>Activity (SD)</dt>
                <dd>{Number(overview.activity[selectedCell]!.toPrecision(3))} {overview.displayLabel}</dd>
                {overview.positions && (
                  <>
                    <dt>Position</dt>
                    <dd>
                      x {Math.round(overview.positions[3 * selectedCell]!)}, y {Math.round(overview.positions[3 * selectedCell + 1]!)} px
                    </dd>
                  </>
                )}
                {overview.isCell && (
                  <>
                    <dt>Suite2p iscell</dt>
                    <dd>{overview.isCell[selectedCell] ? 'cell' : 'not a cell'}</dd>
                  </>
                )}
              </dl>
            )}
            {overview.warnings.length > 0 && (
              <details className="calcium-warnings">
                <summary>{overview.warnings.length} note{overview.warnings.length === 1 ? '' : 's'} from the reader</summary>
                <ul>
                  {overview.warnings.map((warning) => (
                    <li key={warning}>{warning}</li>
                  ))}
                </ul>
              </details>
            )}
          </aside>
        )}
      </div>
    </section>
  );
}

/** The behaviour shown first: what Flavell-lab analyses start from (velocity, head angle, reversals), else the first three. */
function defaultBehaviour(names: readonly string[]): string[] {
  const preferred = ['velocity', 'head_angle', 'reversal_vec'].filter((name) => names.includes(name));
  return preferred.length ? preferred : names.slice(0, 3);
}

/** The rate fields of the overview (fresher than the list right after a change). */
function pickRate(overview: CalciumSummary): Pick<CalciumSummary, 'frameRateHz' | 'fileFrameRateHz' | 'frameRateSetByUser'> {
  return { frameRateHz: overview.frameRateHz, fileFrameRateHz: overview.fileFrameRateHz, frameRateSetByUser: overview.frameRateSetByUser };
}

function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return minutes > 0 ? `${minutes} min ${rest} s` : `${rest} s`;
}
