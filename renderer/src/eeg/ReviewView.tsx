/**
 * The EEG review view: a page of traces through a montage and display filters at calibrated
 * clinical scales (one per channel type, fitted to the recording when it opens), the spectral
 * overview of the whole recording, and its annotations. Channels can be hidden and reordered. When the
 * recording has seizure detection runs, the triage panel beside the traces lists the detected
 * events for accept/reject, shades them on the traces and draws the run's probability over the
 * overview. Keyboard-first (see keyboard.ts); the mouse measures, annotates at the cursor and jumps.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BUILTIN_MONTAGES, recordingKind, type ChannelType, PAGE_MAX_POINTS_PER_CHANNEL, PAGE_MIN_POINTS_PER_CHANNEL, type EegAnnotation, type FilterSettings, type Montage, type Recording } from '../../../shared/api/index.js';
import { errorMessage } from '../api/context.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useElementSize } from '../components/useElementSize.js';
import type { ViewProps } from '../workbench/viewProps.js';
import { PAGE_LENGTHS_S, pxPerMm, stepChannelGain, stepSensitivity } from './calibration.js';
import { autoScales } from './autoScale.js';
import { ChannelsPanel, type PanelChannel } from './ChannelsPanel.js';
import { displayUnit, formatScale, TYPE_ORDER, TYPE_TITLES } from './channelTypes.js';
import { arrangedRows, NO_ARRANGEMENT, type ChannelArrangement } from './channelView.js';
import { effectiveFilter, menuNyquistHz } from './filterChoices.js';
import { FALLBACK_UNITS_PER_MM, rowScales as computeRowScales } from './rowScales.js';
import { clockDate, clockTime, formatOffset } from './clock.js';
import { AnnotationDialog, type AnnotationTarget } from './AnnotationDialog.js';
import type { AnnotationValues } from './annotationHistory.js';
import { useAnnotationEdits } from './useAnnotationEdits.js';
import { AnnotationsPanel } from './AnnotationsPanel.js';
import { commandOf, KEY_HELP, TRIAGE_KEY_HELP, viewerOwnsKey, type ReviewCommand } from './keyboard.js';
import { computeLayout, LABEL_GUTTER_PX, RIGHT_PAD_PX } from './layout.js';
import { MontageEditor } from './MontageEditor.js';
import { OverviewStrip, type ProbabilityStrip } from './OverviewStrip.js';
import { useReviewPrefs } from './prefs.js';
import { ReviewToolbar } from './ReviewToolbar.js';
import { TraceCanvas, type Measurement } from './TraceCanvas.js';
import { boundsOf, contextS, offThresholdOf, sameBounds, stateOf, thresholdOf, type Bounds } from '../seizure/bounds.js';
import type { EventBand } from '../seizure/colors.js';
import { TriagePanel, type TriageAction } from '../seizure/TriagePanel.js';
import { TriageReport } from '../seizure/TriageReport.js';
import { useTriage } from '../seizure/useTriage.js';
import { usePage, type PageRequest } from './usePage.js';
import { useReviewData } from './useReviewData.js';
import './eeg.css';

const FILTER_ORDER = 4;
const DEFAULT_MONTAGE = 'referential';

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Times in ms steps so repeated tenth-of-a-page moves do not drift. */
const roundS = (s: number) => Math.round(s * 1000) / 1000;

export function ReviewView({ app }: ViewProps) {
  // Review reads EEG only: calcium imaging and morphologies have their own views.
  const recordings = app.recordings.recordings.filter((r) => recordingKind(r) === 'eeg');
  // The EEG recording chosen here or in the Library, else the first one.
  const recording = recordings.find((r) => r.id === app.selectedRecordingId) ?? recordings[0] ?? null;
  const recordingId = recording?.id ?? null;
  return (
    <section className="eeg-review" aria-labelledby="review-title">
      <div className="eeg-review-title">
        <h1 id="review-title">Review</h1>
        {recordings.length > 0 && (
          <span className="eeg-picker">
            <label htmlFor="eeg-recording">Recording</label>
            <select
              id="eeg-recording"
              value={recordingId ?? ''}
              onChange={(event) => app.selectRecording(Number(event.target.value))}
            >
              {recordingId === null && <option value="">Choose…</option>}
              {recordings.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id}: {fileName(r.sourcePath)}
                </option>
              ))}
            </select>
          </span>
        )}
      </div>
      {recording ? (
        <RecordingReview key={recording.id} recording={recording} initialTimeS={app.selectedTimeS} />
      ) : (
        <p className="empty">{recordings.length ? 'Choose a recording to review.' : 'No EEG recordings yet. Import an EDF or BDF file in the Library.'}</p>
      )}
    </section>
  );
}

function RecordingReview({ recording, initialTimeS }: { recording: Recording; initialTimeS: number | null }) {
  const recordingId = recording.id;
  // The header's record count × record length, until the engine says otherwise (EDF+D files end at
  // their last record's time, which can be later).
  const [durationS, setDurationS] = useState(recording.metadata.durationS);
  const [prefs, setPrefs] = useReviewPrefs();
  const data = useReviewData(recordingId);
  const [montage, setMontage] = useState(DEFAULT_MONTAGE);
  const [startS, setStartS] = useState(0);
  const [gains, setGains] = useState<Record<string, number>>({});
  // Scale of each channel type (display units per mm), fitted to the signals when first shown.
  const [scales, setScales] = useState<Partial<Record<ChannelType, number>>>({});
  const [refitScales, setRefitScales] = useState(false);
  const [arrangements, setArrangements] = useState<Record<string, ChannelArrangement>>({});
  const [selectedRow, setSelectedRow] = useState<number | null>(null);
  const [measurement, setMeasurement] = useState<Measurement | null>(null);
  const cursorTime = useRef<number | null>(null);
  const [annotating, setAnnotating] = useState<AnnotationTarget | null>(null);
  const [annotateError, setAnnotateError] = useState<string | null>(null);
  const [editingMontage, setEditingMontage] = useState(false);
  const [pageRevision, setPageRevision] = useState(0);
  const root = useRef<HTMLDivElement>(null);
  const traceArea = useRef<HTMLDivElement>(null);
  const traceSize = useElementSize(traceArea);
  const triage = useTriage(recordingId, data.refreshAnnotations);
  const annotationEdits = useAnnotationEdits(recordingId, data.refreshAnnotations);
  const [reportOpen, setReportOpen] = useState(false);

  // A recording shorter than the chosen page is shown in the shortest page that holds it (a 5 s
  // file in a 5 s page), so it fills the window instead of half of it.
  const pageLengthS = durationS < prefs.pageLengthS ? (PAGE_LENGTHS_S.find((s) => s >= durationS) ?? prefs.pageLengthS) : prefs.pageLengthS;
  const maxStartS = Math.max(0, roundS(durationS - pageLengthS));
  const clampStart = useCallback((s: number) => roundS(Math.min(maxStartS, Math.max(0, s))), [maxStartS]);
  useEffect(() => setStartS((s) => clampStart(s)), [clampStart]);

  const montageInfo: Montage | undefined = data.montages.find((m) => m.name === montage);
  // A montage this recording cannot compute (nothing resolves) falls back to referential. (A name
  // not in the list yet, e.g. just saved, waits for the refreshed list.)
  useEffect(() => {
    if (montageInfo && montageInfo.derivations.length === 0 && montage !== DEFAULT_MONTAGE) setMontage(DEFAULT_MONTAGE);
  }, [montageInfo, montage]);

  // The pages before this one tell the rates of the EEG channels; until then, the header's top rate.
  const [nyquistHz, setNyquistHz] = useState(recording.metadata.sampleRateHz / 2);
  const filter: FilterSettings = useMemo(
    () => effectiveFilter({ highpassHz: prefs.highpassHz, lowpassHz: prefs.lowpassHz, notchHz: prefs.notchHz, order: FILTER_ORDER, zeroPhase: prefs.zeroPhase }, nyquistHz),
    [prefs.highpassHz, prefs.lowpassHz, prefs.notchHz, prefs.zeroPhase, nyquistHz],
  );
  const eegSensitivity = scales.eeg ?? FALLBACK_UNITS_PER_MM;

  // Calibrated timebase, or the one that fits a page in the window.
  const fittedTimebase =
    traceSize.width > LABEL_GUTTER_PX + RIGHT_PAD_PX + 20
      ? (traceSize.width - LABEL_GUTTER_PX - RIGHT_PAD_PX) / pageLengthS / pxPerMm(prefs.calibrationFactor)
      : prefs.timebaseMmPerS;
  const timebase = prefs.timebaseFit ? fittedTimebase : prefs.timebaseMmPerS;

  // Geometry first (it fixes how many points per channel are worth asking for).
  const provisionalLayout = computeLayout({
    channelCount: montageInfo?.derivations.length ?? 1,
    startS,
    durationS: pageLengthS,
    timebaseMmPerS: timebase,
    sensitivityUvPerMm: eegSensitivity,
    calibrationFactor: prefs.calibrationFactor,
    availableHeight: traceSize.height,
  });
  const dpr = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  // One (min, max) pair per device pixel of the plot: decimated pages lose nothing visible. The API
  // takes at most PAGE_MAX_POINTS_PER_CHANNEL (an 8K-wide plot).
  const maxPointsPerChannel = Math.min(PAGE_MAX_POINTS_PER_CHANNEL, Math.max(PAGE_MIN_POINTS_PER_CHANNEL, Math.round(provisionalLayout.plotWidth * dpr * 2)));

  const request: PageRequest | null =
    montageInfo && montageInfo.derivations.length > 0
      ? { recordingId, startS, durationS: pageLengthS, montage, filter, maxPointsPerChannel }
      : null;
  const nextStartS = startS < maxStartS ? clampStart(startS + pageLengthS) : null;
  const { page, loading, error: pageError } = usePage(request, nextStartS, pageRevision);
  useEffect(() => {
    if (page && page.recordingDurationS > 0) setDurationS(page.recordingDurationS);
    if (page && page.channels.length) setNyquistHz(menuNyquistHz(page.channels, recording.metadata.sampleRateHz));
  }, [page, recording.metadata.sampleRateHz]);

  // The page as arranged: the montage's channels in the reviewer's order, hidden ones left out.
  const arrangement = arrangements[montage] ?? NO_ARRANGEMENT;
  const shownPage = useMemo(() => {
    if (!page) return null;
    const rows = arrangedRows(page.channels.map((c) => c.label), arrangement);
    return { ...page, channels: rows.map((i) => page.channels[i]!) };
  }, [page, arrangement]);
  const labels = useMemo(() => shownPage?.channels.map((c) => c.label) ?? [], [shownPage]);
  const layout = useMemo(
    () =>
      computeLayout({
        channelCount: labels.length || 1,
        startS: page?.startS ?? startS,
        durationS: page?.durationS ?? pageLengthS,
        timebaseMmPerS: timebase,
        sensitivityUvPerMm: eegSensitivity,
        calibrationFactor: prefs.calibrationFactor,
        availableHeight: traceSize.height,
      }),
    [labels.length, page, startS, pageLengthS, timebase, eegSensitivity, prefs.calibrationFactor, traceSize.height],
  );
  const rowGains = useMemo(() => labels.map((label) => gains[label] ?? 1), [labels, gains]);

  // Automatic scales: every type shown without a scale yet (the first page, a montage bringing a
  // new type) gets one fitted to its signals; "Auto scale" refits them all to the page shown.
  useEffect(() => {
    if (!shownPage || traceSize.height <= 0) return;
    const unscaled = shownPage.channels.filter((c) => refitScales || scales[c.type] === undefined);
    if (!unscaled.length) return;
    const fitted = autoScales(unscaled, layout.rowHeight / pxPerMm(prefs.calibrationFactor));
    setScales((current) => ({ ...current, ...fitted }));
    setRefitScales(false);
  }, [shownPage, scales, refitScales, layout.rowHeight, prefs.calibrationFactor, traceSize.height]);
  const rowScales = useMemo(
    () => (shownPage ? computeRowScales(shownPage.channels, scales, rowGains, prefs.calibrationFactor) : []),
    [shownPage, scales, rowGains, prefs.calibrationFactor],
  );
  const panelChannels: PanelChannel[] = useMemo(
    () => page?.channels.map((c) => ({ label: c.label, type: c.type, unit: displayUnit(c.unit) })) ?? [],
    [page],
  );
  const scaleSummary = TYPE_ORDER.filter((type) => rowScales.some((s) => s.type === type))
    .map((type) => `${TYPE_TITLES[type]} ${formatScale(scales[type] ?? FALLBACK_UNITS_PER_MM, rowScales.find((s) => s.type === type)!.unit)}`)
    .join(' · ');

  useEffect(() => {
    traceArea.current?.focus({ preventScroll: true });
  }, []);

  const changeMontage = useCallback((name: string) => {
    setMontage(name);
    setSelectedRow(null);
  }, []);

  /**
   * Shows an edge of an event: `force` jumps there (the onset a few seconds into the page, the end a
   * few seconds before the page's end); otherwise the page moves only when that edge is off it.
   */
  const revealEvent = useCallback(
    (bounds: Bounds, edge: 'onset' | 'end', force: boolean) => {
      const pre = contextS(pageLengthS);
      const t = edge === 'onset' ? bounds.onsetS : bounds.onsetS + bounds.durationS;
      if (!force && t >= startS && t <= startS + pageLengthS) return;
      setStartS(clampStart(edge === 'onset' ? t - pre : t - pageLengthS + pre));
    },
    [pageLengthS, startS, clampStart],
  );
  const showEvent = useCallback(
    (index: number | null) => {
      const bounds = index === null ? null : triage.boundsOf(index);
      if (bounds) revealEvent(bounds, 'onset', true);
    },
    [triage, revealEvent],
  );

  const triageAction = useCallback(
    (action: TriageAction | Extract<ReviewCommand, { kind: 'event' | 'decide' | 'adjust' }>) => {
      switch (action.kind) {
        case 'show':
          triage.select(action.index);
          showEvent(action.index);
          traceArea.current?.focus({ preventScroll: true });
          return;
        case 'event':
          showEvent(triage.step(action.delta));
          return;
        case 'decide': {
          const before = triage.selected;
          void triage.decide(action.status).then((index) => {
            if (index !== null && index !== before) showEvent(index);
          });
          return;
        }
        case 'adjust': {
          const bounds = triage.adjust(action.edge, action.deltaS);
          if (bounds) revealEvent(bounds, action.edge, false);
          return;
        }
        case 'reset':
          triage.resetBounds();
          return;
      }
    },
    [triage, showEvent, revealEvent],
  );

  const run = useCallback(
    (command: ReviewCommand) => {
      switch (command.kind) {
        case 'page':
          setStartS((s) => clampStart(s + command.pages * pageLengthS));
          return;
        case 'nudge':
          setStartS((s) => clampStart(s + (command.tenths * pageLengthS) / 10));
          return;
        case 'home':
          setStartS(0);
          return;
        case 'end':
          setStartS(maxStartS);
          return;
        case 'gain': {
          const label = selectedRow !== null ? labels[selectedRow] : undefined;
          if (label !== undefined) {
            setGains((g) => ({ ...g, [label]: stepChannelGain(g[label] ?? 1, command.more) }));
          } else {
            setScales((s) => ({ ...s, eeg: stepSensitivity(s.eeg ?? FALLBACK_UNITS_PER_MM, command.more) }));
          }
          return;
        }
        case 'montage': {
          const name = BUILTIN_MONTAGES[command.index];
          if (name) changeMontage(name);
          return;
        }
        case 'annotate':
          setAnnotateError(null);
          setAnnotating({ kind: 'add', onsetS: roundS(cursorTime.current ?? startS) });
          return;
        case 'undo':
          annotationEdits.undo();
          return;
        case 'redo':
          annotationEdits.redo();
          return;
        case 'selectRow':
          if (labels.length === 0) return;
          setSelectedRow((row) =>
            row === null ? (command.delta > 0 ? 0 : labels.length - 1) : Math.min(labels.length - 1, Math.max(0, row + command.delta)),
          );
          return;
        case 'escape':
          setSelectedRow(null);
          setMeasurement(null);
          return;
        case 'event':
        case 'decide':
        case 'adjust':
          triageAction(command);
          return;
      }
    },
    [clampStart, pageLengthS, maxStartS, selectedRow, labels, changeMontage, startS, triageAction, annotationEdits.undo, annotationEdits.redo],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !viewerOwnsKey(event.target, root.current)) return;
      const command = commandOf(event);
      if (!command) return;
      // Triage keys only mean something while a detection run is shown.
      if ((command.kind === 'event' || command.kind === 'decide' || command.kind === 'adjust') && !triage.review) return;
      event.preventDefault();
      run(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run, triage.review]);

  const onLabelClick = useCallback(
    (row: number, modifiers: { shift: boolean; ctrl: boolean }) => {
      const label = labels[row];
      if (label === undefined) return;
      if (modifiers.shift) {
        setGains((g) => ({ ...g, [label]: stepChannelGain(g[label] ?? 1, !modifiers.ctrl) }));
      } else {
        setSelectedRow((current) => (current === row ? null : row));
      }
      traceArea.current?.focus({ preventScroll: true });
    },
    [labels],
  );
  const closeAnnotationDialog = useCallback(() => setAnnotating(null), []);
  const onCursorTime = useCallback((t: number | null) => {
    cursorTime.current = t;
  }, []);

  const jumpTo = useCallback(
    (timeS: number) => {
      // The event a tenth of a page in, with context before it.
      setStartS(clampStart(timeS - pageLengthS / 10));
      traceArea.current?.focus({ preventScroll: true });
    },
    [clampStart, pageLengthS],
  );

  // Opened at a time (a detected event's "Review at" in Runs): its page, once, with context before it.
  const shownTimeS = useRef<number | null>(null);
  useEffect(() => {
    if (initialTimeS === null || shownTimeS.current === initialTimeS) return;
    shownTimeS.current = initialTimeS;
    jumpTo(initialTimeS);
  }, [initialTimeS, jumpTo]);

  /** Adds or edits from the dialog; it stays open with the engine's sentence when refused. */
  const saveAnnotation = async (values: AnnotationValues) => {
    if (!annotating) return;
    setAnnotateError(null);
    try {
      if (annotating.kind === 'add') await annotationEdits.add(values);
      else await annotationEdits.edit(annotating.annotation, values);
      setAnnotating(null);
      traceArea.current?.focus({ preventScroll: true });
    } catch (failure) {
      setAnnotateError(errorMessage(failure));
    }
  };
  const deleteAnnotation = async (annotation: EegAnnotation) => {
    setAnnotateError(null);
    try {
      await annotationEdits.remove(annotation);
      setAnnotating(null);
      traceArea.current?.focus({ preventScroll: true });
    } catch (failure) {
      setAnnotateError(errorMessage(failure));
    }
  };
  const editAnnotation = useCallback((annotation: EegAnnotation) => {
    setAnnotateError(null);
    setAnnotating({ kind: 'edit', annotation });
  }, []);

  const onMontageSaved = (saved: Montage) => {
    setEditingMontage(false);
    data.refreshMontages();
    setPageRevision((n) => n + 1);
    setMontage(saved.name);
  };

  const shownStart = page?.startS ?? startS;
  const shownEnd = shownStart + pageLengthS;
  const pageCount = Math.max(1, Math.ceil(durationS / pageLengthS - 1e-9));
  const pageNumber = Math.min(pageCount, Math.floor(shownStart / pageLengthS + 1e-9) + 1);
  const startDateTime = page?.startDateTime ?? recording.metadata.startDateTime;
  const montageTitle = montageInfo?.title ?? montage;
  const gapText = (page?.gaps ?? []).map(([a, b]) => `, no data ${formatOffset(a)}–${formatOffset(b)}`).join('');
  const channelLabels = data.montages.find((m) => m.name === 'referential')?.derivations.map((d) => d.plus) ?? [];
  const annotations: EegAnnotation[] = data.annotations;
  const ariaLabelBase = `EEG traces, ${labels.length} channels, ${formatOffset(shownStart)}–${formatOffset(shownEnd)}, ${page?.montage ?? montage}${gapText}`;
  const review = triage.review;
  // The shown run's decisions are drawn as its event bands, not again as annotations.
  const decisionLabel = review ? new RegExp(`^seizure (accepted|rejected) \\(run ${review.runId}, event \\d+\\)$`) : null;
  const drawnAnnotations = useMemo(
    () => (decisionLabel ? annotations.filter((a) => a.source === 'file' || !decisionLabel.test(a.text)) : annotations),
    // The pattern depends only on the run.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [annotations, review?.runId],
  );
  const eventBands: EventBand[] = useMemo(
    () =>
      (review?.events ?? []).map((event) => {
        const pending = triage.pending.get(event.index);
        const bounds = boundsOf(event, pending);
        const state = pending && !sameBounds(bounds, boundsOf(event, undefined)) ? 'adjusted' : stateOf(event);
        return { index: event.index, startS: bounds.onsetS, endS: bounds.onsetS + bounds.durationS, state, selected: event.index === triage.selected };
      }),
    [review, triage.pending, triage.selected],
  );
  const probability: ProbabilityStrip | null = useMemo(
    () =>
      review
        ? { runId: review.runId, values: review.probability, threshold: thresholdOf(review.params), offThreshold: offThresholdOf(review.params), events: eventBands }
        : null,
    [review, eventBands],
  );
  const bandsOnPage = eventBands.filter((band) => band.endS > shownStart && band.startS < shownEnd);
  const bandText = bandsOnPage
    .map((band) => `, seizure event ${band.index + 1} (${band.state}${band.selected ? ', selected' : ''}) ${formatOffset(band.startS)}–${formatOffset(band.endS)}`)
    .join('');

  return (
    <div className="eeg-review-body" ref={root}>
      <header className="eeg-header">
        <span className="eeg-file" title={recording.sourcePath}>
          {fileName(recording.sourcePath)}
        </span>
        <span className="eeg-clock" aria-label="Page start">
          {clockDate(startDateTime, shownStart)} <strong>{clockTime(startDateTime, shownStart)}</strong>
        </span>
        <span className="eeg-position" role="status" aria-live="polite">
          Page {pageNumber} of {pageCount} · {clockTime(startDateTime, shownStart)} · {formatOffset(shownStart)}–{formatOffset(Math.min(shownEnd, durationS))} of{' '}
          {formatOffset(durationS)} · {montageTitle}
        </span>
        {loading && <span className="eeg-loading">loading…</span>}
      </header>
      <ReviewToolbar
        montages={data.montages}
        montage={montage}
        onMontage={changeMontage}
        onEditMontage={() => setEditingMontage(true)}
        prefs={prefs}
        fittedTimebaseMmPerS={fittedTimebase}
        onPrefs={setPrefs}
        pageLengthS={pageLengthS}
        nyquistHz={nyquistHz}
        sensitivityUvPerMm={eegSensitivity}
        onSensitivity={(value) => setScales((s) => ({ ...s, eeg: value }))}
        onAutoScale={() => setRefitScales(true)}
      />
      <ErrorMessage message={pageError ?? data.montagesError} />
      <div className="eeg-main">
        <div className="eeg-traces-column">
          <div
            className="eeg-trace-area"
            ref={traceArea}
            tabIndex={0}
            role="group"
            aria-label="Trace area"
            aria-describedby="eeg-key-help"
          >
            <TraceCanvas
              layout={layout}
              page={shownPage}
              labels={labels}
              gains={rowGains}
              rowScales={rowScales}
              selectedRow={selectedRow}
              annotations={drawnAnnotations}
              eventBands={eventBands}
              startDateTime={startDateTime}
              sensitivityUvPerMm={eegSensitivity}
              ariaLabel={ariaLabelBase + bandText}
              onLabelClick={onLabelClick}
              onEditAnnotation={editAnnotation}
              onCursorTime={onCursorTime}
              onMeasure={setMeasurement}
            />
          </div>
          {!prefs.timebaseFit && traceSize.width > 0 && layout.width > traceSize.width + 1 && (
            <p className="warning eeg-overflow">
              At {timebase} mm/s a {pageLengthS} s page is wider than this window: scroll sideways, or choose Timebase “Fit to window”.
            </p>
          )}
          <p className="eeg-measure" aria-live="polite">
            {measurement
              ? `Δt ${measurement.dtS.toFixed(3)} s · Δ ${measurement.dAmplitude.toFixed(1)} ${measurement.unit} (${measurement.label})`
              : `${scaleSummary || `${eegSensitivity} µV/mm`} · ${prefs.timebaseFit ? `${timebase.toFixed(1)} mm/s (fitted)` : `${timebase} mm/s`} · negative up · drag on the traces to measure`}
          </p>
          <ErrorMessage message={data.overviewError} />
          <OverviewStrip
            overview={data.overview}
            durationS={durationS}
            annotations={drawnAnnotations}
            pageStartS={shownStart}
            pageDurationS={pageLengthS}
            probability={probability}
            onJump={(t) => setStartS(clampStart(t - pageLengthS / 2))}
          />
          <p id="eeg-key-help" className="eeg-hint">
            {KEY_HELP}
            {triage.runs.length > 0 && (
              <>
                <br />
                {TRIAGE_KEY_HELP}
              </>
            )}
          </p>
        </div>
        <div className="eeg-side">
          <ChannelsPanel
            channels={panelChannels}
            arrangement={arrangement}
            onArrangement={(next) => setArrangements((all) => ({ ...all, [montage]: next }))}
            scales={scales}
            onScale={(type, value) => setScales((s) => ({ ...s, [type]: value }))}
          />
          {triage.runs.length > 0 && (
            <TriagePanel triage={triage} startDateTime={startDateTime} onAction={triageAction} onReport={() => setReportOpen(true)} />
          )}
          <AnnotationsPanel
            recordingId={recordingId}
            annotations={annotations}
            startDateTime={startDateTime}
            error={data.annotationsError}
            pageStartS={shownStart}
            pageEndS={shownEnd}
            status={annotationEdits.status}
            onJump={(annotation) => jumpTo(annotation.onsetS)}
            onEdit={editAnnotation}
            onDelete={(annotation) => void deleteAnnotation(annotation)}
          />
        </div>
      </div>
      <TriageReport
        open={reportOpen}
        recording={recording}
        review={review}
        startDateTime={startDateTime}
        durationS={durationS}
        onClose={() => setReportOpen(false)}
      />
      <AnnotationDialog
        target={annotating}
        timeLabel={(t) => `${clockTime(startDateTime, t)} (${formatOffset(t)})`}
        busy={annotationEdits.busy}
        error={annotateError}
        onSubmit={(values) => void saveAnnotation(values)}
        onDelete={(annotation) => void deleteAnnotation(annotation)}
        onClose={closeAnnotationDialog}
      />
      <MontageEditor
        open={editingMontage}
        start={montageInfo ?? null}
        channelLabels={channelLabels}
        onSaved={onMontageSaved}
        onClose={() => setEditingMontage(false)}
      />
    </div>
  );
}
