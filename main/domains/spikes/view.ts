/**
 * What the Spikes view asks of the engine: summaries of spike recordings (from what the import
 * stored, so listing reads no file), and windows of spikes, PSTHs, ISI histograms and correlograms
 * computed exactly from the trains (compute.ts). The trains are read from the source once and kept
 * in a cache bounded by size (8 bytes a spike): least recently used recordings go first.
 */
import { basename } from 'node:path';
import {
  SPIKES_MAX_RASTER_SPIKES,
  SPIKES_MAX_TRIALS,
  type Recording,
  type SpikeCorrelogram,
  type SpikeIsi,
  type SpikePsth,
  type SpikeRaster,
  type SpikesSummary,
} from '../../../shared/api/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { readSpikes, spikeCount, type ReadSpikes } from '../../io/spikes/index.js';
import type { Store } from '../../store/index.js';
import { correlogram, correlogramPairs, isi, psth, raster } from './compute.js';

/** The cache holds at most this many bytes of spike times (plus the one being read). */
export const SPIKES_CACHE_BYTES = 512 * 1024 * 1024;
/** A correlogram visits every pair in its window; beyond this many it asks for a shorter window. */
export const SPIKES_MAX_CORRELOGRAM_PAIRS = 200_000_000;

const bytesOf = (trains: ReadSpikes): number => 8 * (spikeCount(trains) + trains.events.reduce((n, set) => n + set.times.length, 0)) + 64 * trains.times.length;

export class SpikesView {
  private readonly cache = new Map<string, { trains: Promise<ReadSpikes>; bytes: number }>();

  constructor(
    private readonly store: Store,
    private readonly cacheBytes = SPIKES_CACHE_BYTES,
  ) {}

  list(): SpikesSummary[] {
    return this.store.recordings
      .list()
      .filter((r) => r.metadata.modality === 'spikes')
      .map((r) => summaryOf(r));
  }

  summary(recordingId: number): SpikesSummary {
    return summaryOf(this.recording(recordingId));
  }

  async raster(recordingId: number, units: readonly number[], startS: number, endS: number, columns: number, maxSpikes = 200_000): Promise<SpikeRaster> {
    const trains = await this.trains(recordingId);
    checkUnits(trains, units, 'units');
    if (!(endS > startS)) throw new ValidationError('endS', `the window ${startS}…${endS} s is empty`);
    const result = raster(trains, units, startS, endS, columns, Math.min(maxSpikes, SPIKES_MAX_RASTER_SPIKES));
    return { recordingId, units: [...units], startS, endS, ...result };
  }

  async psth(recordingId: number, eventSet: string, units: readonly number[], preS: number, postS: number, binS: number, rasterUnit: number | null = null): Promise<SpikePsth> {
    const trains = await this.trains(recordingId);
    checkUnits(trains, units, 'units');
    if (rasterUnit !== null) checkUnits(trains, [rasterUnit], 'rasterUnit');
    const set = trains.events.find((candidate) => candidate.name === eventSet);
    if (!set) {
      const names = trains.events.map((candidate) => `"${candidate.name}"`);
      throw new ValidationError('eventSet', `recording ${recordingId} has no event set "${eventSet}" (${names.length ? `it has ${names.join(', ')}` : 'it has none'})`);
    }
    const result = psth(trains, set.times, units, preS, postS, binS, rasterUnit, trains, { maxTrials: SPIKES_MAX_TRIALS, maxRasterSpikes: SPIKES_MAX_RASTER_SPIKES });
    return {
      recordingId,
      eventSet,
      units: [...units],
      preS,
      postS,
      binS,
      eventCount: result.eventCount,
      rateHz: result.rateHz,
      rasterUnit,
      rasterTrial: result.rasterTrial,
      rasterTime: result.rasterTime,
    };
  }

  async isi(recordingId: number, unit: number, binS: number, maxS: number, refractoryS = 0.002): Promise<SpikeIsi> {
    const trains = await this.trains(recordingId);
    checkUnits(trains, [unit], 'unit');
    return { recordingId, unit, binS, maxS, refractoryS, ...isi(trains.times[unit]!, binS, maxS, refractoryS) };
  }

  async correlogram(recordingId: number, unitA: number, unitB: number, binS: number, windowS: number): Promise<SpikeCorrelogram> {
    const trains = await this.trains(recordingId);
    checkUnits(trains, [unitA], 'unitA');
    checkUnits(trains, [unitB], 'unitB');
    const a = trains.times[unitA]!;
    const b = trains.times[unitB]!;
    const pairs = correlogramPairs(a, b, windowS);
    if (pairs > SPIKES_MAX_CORRELOGRAM_PAIRS) {
      throw new ValidationError('windowS', `a ±${windowS} s window holds ${pairs} spike pairs of units ${unitA} and ${unitB} (at most ${SPIKES_MAX_CORRELOGRAM_PAIRS}); use a shorter window`);
    }
    return { recordingId, unitA, unitB, binS, windowS, counts: correlogram(a, b, binS, windowS, unitA === unitB) };
  }

  /** The trains of a stored spike recording, read once (see the cache note above). */
  async trains(recordingId: number): Promise<ReadSpikes> {
    const stored = this.recording(recordingId);
    const key = `${stored.id}:${stored.sha256}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit); // most recently used last
      return hit.trains;
    }
    const entry = { trains: readSpikes(stored.sourcePath), bytes: 0 };
    this.cache.set(key, entry);
    entry.trains.then(
      (trains) => {
        entry.bytes = bytesOf(trains);
        this.evict(key);
      },
      () => this.cache.delete(key),
    );
    return entry.trains;
  }

  /** Drops least recently used recordings until the cache fits (never `keep`, the one just read). */
  private evict(keep: string): void {
    let total = 0;
    for (const { bytes } of this.cache.values()) total += bytes;
    for (const [key, { bytes }] of this.cache) {
      if (total <= this.cacheBytes) break;
      if (key === keep) continue;
      this.cache.delete(key);
      total -= bytes;
    }
  }

  /** How many recordings the cache holds (for tests). */
  get cachedRecordings(): number {
    return this.cache.size;
  }

  private recording(recordingId: number): Recording {
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    if (recording.metadata.modality !== 'spikes') throw new ValidationError('recordingId', `recording ${recordingId} is not a spike-train recording`);
    return recording;
  }
}

function checkUnits(trains: ReadSpikes, units: readonly number[], field: string): void {
  const bad = units.find((unit) => unit >= trains.times.length);
  if (bad !== undefined) throw new ValidationError(field, `unit ${bad} is past the ${trains.times.length} units of ${basename(trains.source)}`);
}

/** The summary from what the import stored (no file read). */
export function summaryOf(stored: Recording): SpikesSummary {
  const meta = stored.metadata.spikes;
  const startS = meta?.startS ?? 0;
  const endS = startS + stored.metadata.durationS;
  const span = endS - startS;
  return {
    recordingId: stored.id,
    name: basename(stored.sourcePath).replace(/\.(nwb|npy|txt|csv|tsv)$/i, ''),
    source: stored.sourcePath,
    format: stored.format,
    unitCount: meta?.unitCount ?? stored.metadata.channelCount,
    spikeCount: meta?.spikeCount ?? 0,
    startS,
    endS,
    units: (meta?.units ?? []).map((unit, index) => ({ index, id: unit.id, cellType: unit.cellType, spikeCount: unit.spikeCount, rateHz: span > 0 ? unit.spikeCount / span : 0 })),
    eventSets: (meta?.eventSets ?? []).map((set) => ({ ...set })),
    warnings: [...(meta?.warnings ?? [])],
  };
}
