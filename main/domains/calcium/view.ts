/**
 * What the Traces view asks of the engine for a calcium recording: its summary, an overview (cells
 * with names, activity and positions; a cells × columns heat map; behaviour), pages of traces, and
 * the frame rate the user stores with it. A recording is read from its source and turned into the
 * drawn traces (dff.ts) once, then kept for the next pages; a new frame rate drops it (the ΔF/F
 * baseline window is in seconds).
 */
import { basename } from 'node:path';
import {
  CALCIUM_MAX_COLUMNS,
  CALCIUM_MAX_HEATMAP_VALUES,
  type CalciumBehaviour,
  type CalciumOverview,
  type CalciumPage,
  type CalciumSummary,
  type CalciumTraceSource,
  type Recording,
} from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { readCalcium, userFrameRate, withStoredFrameRate, type CalciumRecording } from '../../io/calcium/index.js';
import type { Store } from '../../store/index.js';
import { minMaxColumns, quantiles, standardDeviation } from './decimate.js';
import { deconvolvedTraces, displayTraces, type DisplayTraces } from './dff.js';

/** A recording as read, with its drawn traces. */
interface Prepared {
  recording: CalciumRecording;
  fileFrameRateHz: number | null;
  display: DisplayTraces;
  /** Per cell, the 1st and 99.5th percentiles of its drawn trace. */
  low: Float32Array;
  high: Float32Array;
}

/** How many prepared recordings stay in memory (the one on screen and the one before). */
const KEEP = 2;

export class CalciumView {
  private readonly prepared = new Map<string, Promise<Prepared>>();

  constructor(private readonly store: Store) {}

  list(): CalciumSummary[] {
    return this.store.recordings
      .list()
      .filter((r) => r.metadata.modality === 'calcium')
      .map((r) => this.summaryOf(r, null));
  }

  async overview(recordingId: number, columnsWanted: number, source: CalciumTraceSource = 'main'): Promise<CalciumOverview> {
    const stored = this.recording(recordingId);
    const prepared = await this.prepare(stored, source);
    const { recording, display } = prepared;
    const { cellCount, frameCount } = recording;
    // Bounded twice: by the screen (columns asked) and by the total (many cells get fewer columns).
    const columns = Math.max(1, Math.min(columnsWanted, frameCount, CALCIUM_MAX_COLUMNS, Math.floor(CALCIUM_MAX_HEATMAP_VALUES / cellCount)));
    const heatmap = new Float32Array(cellCount * columns);
    const scratch = new Float32Array(columns);
    const activity = new Float32Array(cellCount);
    for (let c = 0; c < cellCount; c++) {
      const trace = display.values.subarray(c * frameCount, (c + 1) * frameCount);
      // The maximum per column: a transient shorter than a column stays visible.
      minMaxColumns(trace, 0, frameCount, columns, scratch, heatmap, c * columns);
      activity[c] = standardDeviation(trace);
    }
    const [heatLow, heatHigh] = quantiles(display.values, 0.01, 0.995);
    return {
      ...this.summaryOf(stored, prepared),
      cellNames: recording.labels.map((label, c) => label ?? `cell ${c + 1}`),
      activity,
      positions: recording.positions,
      isCell: recording.isCell ? Uint8Array.from(recording.isCell, (is) => (is ? 1 : 0)) : null,
      columns,
      heatmap,
      heatLow,
      heatHigh,
      behaviour: behaviourColumns(recording, 0, frameCount, columns),
      hasDeconvolved: recording.deconvolved !== null,
    };
  }

  async page(recordingId: number, cells: readonly number[], startFrame: number, endFrame: number, columnsWanted: number, source: CalciumTraceSource = 'main'): Promise<CalciumPage> {
    const stored = this.recording(recordingId);
    const { recording, display, low, high } = await this.prepare(stored, source);
    const { cellCount, frameCount } = recording;
    const bad = cells.find((cell) => cell >= cellCount);
    if (bad !== undefined) throw new ValidationError('cells', `cell ${bad} is past the ${cellCount} cells of recording ${recordingId}`);
    if (endFrame > frameCount || startFrame >= endFrame) {
      throw new ValidationError('endFrame', `frames ${startFrame}…${endFrame} are not a window of the ${frameCount} frames`);
    }
    const columns = Math.min(columnsWanted, endFrame - startFrame);
    const min = new Float32Array(cells.length * columns);
    const max = new Float32Array(cells.length * columns);
    cells.forEach((cell, row) => {
      minMaxColumns(display.values.subarray(cell * frameCount, (cell + 1) * frameCount), startFrame, endFrame, columns, min, max, row * columns);
    });
    return {
      recordingId,
      cells: [...cells],
      startFrame,
      endFrame,
      columns,
      min,
      max,
      low: Float32Array.from(cells, (cell) => low[cell]!),
      high: Float32Array.from(cells, (cell) => high[cell]!),
      behaviour: behaviourColumns(recording, startFrame, endFrame, columns),
    };
  }

  /** Stores (or with null, removes) the user's frame rate with the recording; NTF runs use it too. */
  setFrameRate(recordingId: number, frameRateHz: number | null): CalciumSummary {
    const stored = this.recording(recordingId);
    if (frameRateHz !== null && !(Number.isFinite(frameRateHz) && frameRateHz > 0)) {
      throw new ValidationError('frameRateHz', `expected a positive number of frames per second, got ${frameRateHz}`);
    }
    const calcium = stored.metadata.calcium;
    const fileRate = this.fileFrameRate(stored);
    const rate = frameRateHz ?? fileRate ?? 0;
    const frameCount = calcium?.frameCount ?? 0;
    const metadata = {
      ...stored.metadata,
      sampleRateHz: rate,
      durationS: rate > 0 && frameCount > 0 ? frameCount / rate : stored.metadata.durationS,
      signals: stored.metadata.signals.map((signal) => ({ ...signal, sampleRateHz: rate })),
      ...(calcium ? { calcium: { ...calcium, frameRateSetByUser: frameRateHz !== null, fileFrameRateHz: fileRate ?? 0 } } : {}),
    };
    const updated = this.store.recordings.setMetadata(recordingId, metadata)!;
    this.forget(recordingId);
    return this.summaryOf(updated, null);
  }

  /** The rate the file states, as imported (before any rate the user set). */
  private fileFrameRate(recording: Recording): number | null {
    const calcium = recording.metadata.calcium;
    if (calcium?.frameRateSetByUser) return calcium.fileFrameRateHz ? calcium.fileFrameRateHz : null;
    return recording.metadata.sampleRateHz > 0 ? recording.metadata.sampleRateHz : null;
  }

  private summaryOf(stored: Recording, prepared: Prepared | null): CalciumSummary {
    const calcium = stored.metadata.calcium;
    const rate = userFrameRate(stored.metadata) ?? (prepared ? prepared.recording.frameRateHz : this.fileFrameRate(stored));
    return {
      recordingId: stored.id,
      name: basename(stored.sourcePath).replace(/(-data)?\.(h5|hdf5|nwb|csv|tsv)$/i, ''),
      source: stored.sourcePath,
      format: stored.format,
      cellCount: prepared?.recording.cellCount ?? stored.metadata.channelCount,
      frameCount: prepared?.recording.frameCount ?? calcium?.frameCount ?? 1,
      frameRateHz: rate && rate > 0 ? rate : null,
      fileFrameRateHz: prepared ? prepared.fileFrameRateHz : this.fileFrameRate(stored),
      frameRateSetByUser: calcium?.frameRateSetByUser ?? false,
      traceKind: prepared?.recording.traceKind ?? calcium?.traceKind ?? 'unknown',
      displayLabel: prepared?.display.label ?? '',
      displayNote: prepared?.display.note ?? '',
      warnings: prepared?.recording.warnings ?? [],
    };
  }

  private recording(recordingId: number): Recording {
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    if (recording.metadata.modality !== 'calcium') throw new ValidationError('recordingId', `recording ${recordingId} is not a calcium recording`);
    return recording;
  }

  /** Read and ΔF/F once per recording, stored rate and trace source; the last KEEP stay. */
  private prepare(stored: Recording, source: CalciumTraceSource): Promise<Prepared> {
    const key = `${stored.id}@${userFrameRate(stored.metadata) ?? 'file'}:${source}`;
    let entry = this.prepared.get(key);
    if (!entry) {
      entry = (async () => {
        const read = await readCalcium(stored.sourcePath);
        const recording = withStoredFrameRate(read, stored.metadata);
        const display = source === 'deconvolved' ? deconvolvedTraces(recording) : displayTraces(recording);
        if (!display) throw new ValidationError('traces', `${basename(stored.sourcePath)} gives no deconvolved activity (Suite2p spks.npy)`);
        const { cellCount, frameCount } = recording;
        const low = new Float32Array(cellCount);
        const high = new Float32Array(cellCount);
        for (let c = 0; c < cellCount; c++) {
          [low[c], high[c]] = quantiles(display.values.subarray(c * frameCount, (c + 1) * frameCount), 0.01, 0.995);
        }
        return { recording, fileFrameRateHz: read.frameRateHz, display, low, high };
      })();
      entry.catch(() => this.prepared.delete(key));
      this.prepared.delete(key);
      this.prepared.set(key, entry);
      while (this.prepared.size > KEEP) this.prepared.delete(this.prepared.keys().next().value!);
    } else {
      // Most recently used last.
      this.prepared.delete(key);
      this.prepared.set(key, entry);
    }
    return entry;
  }

  private forget(recordingId: number): void {
    for (const key of [...this.prepared.keys()]) if (key.startsWith(`${recordingId}@`)) this.prepared.delete(key);
  }
}

/** Each behaviour variable over frames [start, end) as min/max per column, with its whole-recording range. */
function behaviourColumns(recording: CalciumRecording, start: number, end: number, columns: number): CalciumBehaviour[] {
  return (recording.behaviour ?? []).map(({ name, values }) => {
    const min = new Float32Array(columns);
    const max = new Float32Array(columns);
    minMaxColumns(values, start, end, columns, min, max);
    const [low, high] = quantiles(values, 0, 1);
    return { name, min, max, low, high };
  });
}
