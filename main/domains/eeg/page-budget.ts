/**
 * What one page of traces may cost, and the plan that keeps it within that: the window to read
 * (the page plus the filters' settling time), which signals each derivation needs, how many points
 * each channel returns, and how the derivations are split into groups and the window into chunks so
 * memory stays bounded whatever the recording. The schema (shared/api/eeg.ts) bounds the request;
 * these bounds hold for every caller, and also bound what a recording with many channels at high
 * rates would make of a request the schema accepts.
 */
import { PAGE_MAX_DURATION_S, PAGE_MAX_POINTS_PER_CHANNEL, type Derivation, type FilterSettings } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import { classifyChannel, resolveMontage, validateMontage } from '../../signal/index.js';
import { filterForChannelType } from '../../../shared/eeg-channels.js';

/**
 * Samples a page may read over all its signals, filter settling included (a 300 s page of 64
 * channels at 2 kHz reads ~42 M). Refused above: a page is for looking at, not for exporting.
 */
export const PAGE_MAX_READ_SAMPLES = 64 * 1024 * 1024;
/**
 * Numbers a page returns over all its channels. Pages travel as Float32Arrays (binary frames on the
 * bridge, a structured clone over IPC): 2^17 numbers are 512 KiB, and the viewer draws each of
 * them on every repaint. Points per channel are lowered to fit: 21 channels
 * still get 6241 points (a 3000-pixel-wide plot); the page stays min/max decimated, so no spike
 * disappears.
 */
export const PAGE_MAX_POINTS = 1 << 17;
/** Derivations a page may show (a user montage has at most 512; a referential one, as many as the file). */
export const PAGE_MAX_CHANNELS = 1024;
/**
 * Above this many samples read, a page is heavy: it waits its turn behind other heavy ones
 * (WorkQueue) and gives way to normal pages while they are being served. A 60 s page of 21
 * channels at 256 Hz with its filter settling reads ~380 k samples and stays normal.
 */
export const HEAVY_PAGE_SAMPLES = 1 << 19;
/** Heavy pages that may wait for their turn; more are refused, so a flood of them cannot pile up. */
export const HEAVY_PAGES_WAITING_MAX = 8;
/** Samples decoded per read of the file (a few ms with the montage: the longest unit between checkpoints). */
export const READ_CHUNK_SAMPLES = 1 << 18;
/** Samples of derivations held at once (64 MB): more derivations are computed group by group. */
export const GROUP_SAMPLES = 1 << 23;

/** How a plan splits the work; smaller in tests, to exercise the chunked paths on small files. */
export interface PageSplit {
  groupSamples: number;
  readChunkSamples: number;
}
export const PAGE_SPLIT: PageSplit = { groupSamples: GROUP_SAMPLES, readChunkSamples: READ_CHUNK_SAMPLES };

export interface PageRequest {
  recordingId: number;
  startS: number;
  durationS: number;
  montage: string;
  filter: FilterSettings;
  maxPointsPerChannel: number;
}

/** A data signal of the recording, as the page sees it. */
export interface PageSignal {
  /** Index in the file's header (for EdfReader.readWindow). */
  index: number;
  label: string;
  /** Physical dimension ('uV'). */
  unit: string;
  sampleRateHz: number;
}

export interface DerivationGroup {
  /** Indices into PagePlan.derivations. */
  members: number[];
  /** Positions (into PagePlan.signals) the group reads: plus, minus, and the averaged channels for `avg`. */
  signals: number[];
  /** Whole data records per read chunk. */
  chunkRecords: number;
}

export interface PagePlan {
  signals: PageSignal[];
  derivations: Derivation[];
  /** Position (into signals) of each derivation's `plus`: its rate is the derivation's rate. */
  plusOf: number[];
  /** Position of each derivation's `minus`, 'avg' for the common average, null as recorded. */
  minusOf: (number | 'avg' | null)[];
  /**
   * The channels the common average is taken over, by rate (the average montage's channels at the
   * derivation's rate, in recording order, as signal/montage.ts's applyMontage takes them).
   */
  averagedAt: Map<number, number[]>;
  readStartS: number;
  readDurationS: number;
  /** Distinct samples the page reads, over all signals it needs. */
  readSamples: number;
  pointsPerChannel: number;
  groups: DerivationGroup[];
}

/** Seconds of signal read before (causal) or around (zero-phase) a page so filters have settled. */
export function filterPadS(filter: FilterSettings): number {
  const lowest = Math.min(filter.highpassHz ?? Infinity, filter.notchHz ? filter.notchHz / 10 : Infinity, filter.lowpassHz ?? Infinity);
  if (!Number.isFinite(lowest)) return 0;
  return Math.min(30, Math.max(1, 5 / lowest));
}

const millions = (n: number): string => `${(n / 1e6).toFixed(1)} M`;

/**
 * Plans a page, or refuses it (ValidationError, one readable line) when it is longer than a page,
 * shows too many channels, or would read more than PAGE_MAX_READ_SAMPLES.
 */
export function planPage(
  request: PageRequest,
  derivations: Derivation[],
  signals: PageSignal[],
  recordDurationS: number,
  split: PageSplit = PAGE_SPLIT,
): PagePlan {
  if (!(request.durationS > 0 && request.durationS <= PAGE_MAX_DURATION_S)) {
    throw new ValidationError('durationS', `a page is at most ${PAGE_MAX_DURATION_S} s (asked ${request.durationS} s); page through longer spans`);
  }
  if (derivations.length > PAGE_MAX_CHANNELS) {
    throw new ValidationError('montage', `montage "${request.montage}" has ${derivations.length} channels; a page shows at most ${PAGE_MAX_CHANNELS}: choose a montage with fewer`);
  }
  const labels = signals.map((s) => s.label);
  validateMontage(derivations, labels);
  const positionOf = new Map<string, number>();
  labels.forEach((label, i) => positionOf.has(label) || positionOf.set(label, i));
  const position = (label: string): number => {
    const found = positionOf.get(label);
    if (found === undefined) throw new ValidationError('montage', `no channel "${label}" in this recording`);
    return found;
  };
  const averaged = resolveMontage('average', labels).map((d) => position(d.plus));
  const averagedAt = new Map<number, number[]>();
  const plusOf = derivations.map((d) => position(d.plus));
  const minusOf = derivations.map((d) => (d.minus === null || d.minus === 'avg' ? d.minus : position(d.minus)));
  const needs = derivations.map((d, k): number[] => {
    const plus = plusOf[k]!;
    const minus = minusOf[k]!;
    if (minus === null) return [plus];
    if (minus !== 'avg') return [plus, minus];
    const rate = signals[plus]!.sampleRateHz;
    if (!averagedAt.has(rate)) averagedAt.set(rate, averaged.filter((p) => signals[p]!.sampleRateHz === rate));
    const members = averagedAt.get(rate)!;
    if (!members.length) throw new ValidationError('montage', `no EEG channels at ${rate} Hz (the rate of "${d.plus}") to average`);
    return [plus, ...members];
  });

  // Settling for the most demanding filter any derivation gets (EMG and ECG have their own).
  const pad = Math.max(...plusOf.map((p) => filterPadS(filterForChannelType(classifyChannel(signals[p]!.label, signals[p]!.unit), request.filter))), 0);
  const readStartS = Math.max(0, request.startS - pad);
  const readDurationS = request.startS + request.durationS + (request.filter.zeroPhase ? pad : 0) - readStartS;
  const samplesOf = (p: number): number => Math.round(readDurationS * signals[p]!.sampleRateHz);
  const readSamples = [...new Set(needs.flat())].reduce((sum, p) => sum + samplesOf(p), 0);
  if (readSamples > PAGE_MAX_READ_SAMPLES) {
    const topRate = Math.max(...plusOf.map((p) => signals[p]!.sampleRateHz));
    throw new ValidationError(
      'durationS',
      `this page would read ${millions(readSamples)} samples (${derivations.length} channels up to ${topRate} Hz over ${readDurationS.toFixed(0)} s with the filters' settling time), more than a page may (${millions(PAGE_MAX_READ_SAMPLES)}): shorten the page or choose a montage with fewer channels`,
    );
  }
  const pointsPerChannel = Math.max(
    2,
    Math.min(request.maxPointsPerChannel, PAGE_MAX_POINTS_PER_CHANNEL, Math.floor(PAGE_MAX_POINTS / Math.max(1, derivations.length))),
  );
  return {
    signals,
    derivations,
    plusOf,
    minusOf,
    averagedAt,
    readStartS,
    readDurationS,
    readSamples,
    pointsPerChannel,
    groups: groupDerivations(needs, plusOf, samplesOf, signals, recordDurationS, split),
  };
}

/** Consecutive derivations whose samples fit split.groupSamples (at least one per group). */
function groupDerivations(
  needs: number[][],
  plusOf: number[],
  samplesOf: (position: number) => number,
  signals: PageSignal[],
  recordDurationS: number,
  split: PageSplit,
): DerivationGroup[] {
  const groups: DerivationGroup[] = [];
  let members: number[] = [];
  let held = 0;
  const close = () => {
    if (!members.length) return;
    const read = [...new Set(members.flatMap((k) => needs[k]!))];
    const samplesPerRecord = read.reduce((sum, p) => sum + signals[p]!.sampleRateHz * recordDurationS, 0);
    const chunkRecords = Math.max(1, Math.floor(split.readChunkSamples / Math.max(1, samplesPerRecord)));
    groups.push({ members, signals: read, chunkRecords });
    members = [];
    held = 0;
  };
  plusOf.forEach((plus, k) => {
    const samples = samplesOf(plus);
    if (members.length && held + samples > split.groupSamples) close();
    members.push(k);
    held += samples;
  });
  close();
  return groups;
}
