/**
 * Spike trains: what the Spikes view asks of the engine. A recording of sorted units (an NWB units
 * table, a NumPy object array of per-cell spike times, a Kilosort/Phy folder, a text file of spike
 * times) with its event sets (stimulus changes, epochs). Every array is typed and bounded by what
 * is on screen, never by the recording's length: a raster window returns the spikes themselves up
 * to `maxSpikes`, and counts per screen column beyond that (thousands of units × hours).
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

/** At most this many columns in a binned raster (a 4K screen's width). */
export const SPIKES_MAX_COLUMNS = 4096;
/** At most this many spikes returned as times in one raster window (beyond: counts per column). */
export const SPIKES_MAX_RASTER_SPIKES = 2_000_000;
/** At most this many units in one raster request. */
export const SPIKES_MAX_UNITS = 4096;
/** At most this many bins in a PSTH, ISI histogram or correlogram. */
export const SPIKES_MAX_BINS = 10_000;
/** At most this many times per event set in one raster window (the first ones; `truncated` says so). */
export const SPIKES_MAX_WINDOW_EVENTS = 20_000;
/** At most this many aligned trials (events) returned as a raster in one PSTH. */
export const SPIKES_MAX_TRIALS = 5000;

export const SpikeUnit = z.object({
  /** 0-based row in the recording (the order of the file). */
  index: z.number().int().nonnegative(),
  /** The file's id for the unit (NWB `id`, Phy cluster id, 1-based position when the file has none). */
  id: z.string(),
  /** What the file calls the cell type or quality (`OFF parasol`, `good`, `mua`), null when it says nothing. */
  cellType: z.string().nullable(),
  spikeCount: z.number().int().nonnegative(),
  /** Spikes per second over the recording's span. */
  rateHz: z.number().nonnegative(),
});
export type SpikeUnit = z.infer<typeof SpikeUnit>;

/** A named set of event times in seconds (stimulus changes, trial starts, an NWB epoch's starts). */
export const SpikeEventSet = z.object({
  name: z.string(),
  count: z.number().int().nonnegative(),
  /** Where the times come from (a file name, `NWB intervals/epochs`). */
  source: z.string(),
});
export type SpikeEventSet = z.infer<typeof SpikeEventSet>;

export const SpikesSummary = z.object({
  recordingId: Id,
  name: z.string(),
  source: z.string(),
  format: z.string(),
  unitCount: z.number().int().nonnegative(),
  spikeCount: z.number().int().nonnegative(),
  /** First and last spike (or event) time, seconds on the file's clock. */
  startS: z.number(),
  endS: z.number(),
  units: z.array(SpikeUnit),
  eventSets: z.array(SpikeEventSet),
  warnings: z.array(z.string()),
});
export type SpikesSummary = z.infer<typeof SpikesSummary>;

/**
 * The spikes of some units over [startS, endS). `mode: 'spikes'`: every spike as (row, time);
 * `mode: 'counts'` (more than `maxSpikes` spikes in the window): spikes per unit per column.
 */
export const SpikeRaster = z.object({
  recordingId: Id,
  /** The unit indices asked for, in the order asked (row r of the raster is units[r]). */
  units: z.array(z.number().int().nonnegative()),
  startS: z.number(),
  endS: z.number(),
  mode: z.enum(['spikes', 'counts']),
  /** spikes: the row of each spike (into `units`). Empty in counts mode. */
  spikeRow: typedArray('int32'),
  /** spikes: each spike's time in seconds after startS (float32 keeps µs over hours). Empty in counts mode. */
  spikeTime: typedArray('float32'),
  /** counts: columns over the window; column c covers [startS + c·w, startS + (c+1)·w), w = (endS − startS)/columns. */
  columns: z.number().int().nonnegative(),
  /** counts: units × columns, row-major in the order of `units`. Empty in spikes mode. */
  counts: typedArray('float32'),
  /** Spikes in the window over all asked units. */
  totalSpikes: z.number().int().nonnegative(),
  /** Every event set's times inside the window, seconds after startS (stimulus changes drawn over the raster). */
  events: z.array(
    z.object({
      name: z.string(),
      times: typedArray('float32'),
      /** More than SPIKES_MAX_WINDOW_EVENTS fell in the window: only the first ones are here. */
      truncated: z.boolean(),
    }),
  ),
});
export type SpikeRaster = z.infer<typeof SpikeRaster>;

/** Spikes aligned to an event set: the mean rate per bin per unit and, for a few units, the aligned raster. */
export const SpikePsth = z.object({
  recordingId: Id,
  eventSet: z.string(),
  units: z.array(z.number().int().nonnegative()),
  /** Bin edges run from −preS to postS in steps of binS (seconds, 0 = the event). */
  preS: z.number().nonnegative(),
  postS: z.number().positive(),
  binS: z.number().positive(),
  /** Events used (those whose window lies inside the recording). */
  eventCount: z.number().int().nonnegative(),
  /** units × bins, row-major: spikes per second, averaged over events. */
  rateHz: typedArray('float32'),
  /** The aligned raster of `rasterUnit`: per spike its trial (event index) and time from the event. */
  rasterUnit: z.number().int().nonnegative().nullable(),
  rasterTrial: typedArray('int32'),
  rasterTime: typedArray('float32'),
});
export type SpikePsth = z.infer<typeof SpikePsth>;

/** Inter-spike-interval histogram of one unit. */
export const SpikeIsi = z.object({
  recordingId: Id,
  unit: z.number().int().nonnegative(),
  binS: z.number().positive(),
  maxS: z.number().positive(),
  /** Intervals per bin [k·binS, (k+1)·binS). */
  counts: typedArray('float32'),
  intervalCount: z.number().int().nonnegative(),
  /** Fraction of intervals below `refractoryS` (a sorting-quality check). */
  refractoryS: z.number().positive(),
  refractoryViolations: z.number().min(0).max(1),
});
export type SpikeIsi = z.infer<typeof SpikeIsi>;

/** Cross-correlogram of unitB's spikes around unitA's (auto-correlogram when equal, zero lag left out). */
export const SpikeCorrelogram = z.object({
  recordingId: Id,
  unitA: z.number().int().nonnegative(),
  unitB: z.number().int().nonnegative(),
  binS: z.number().positive(),
  windowS: z.number().positive(),
  /** Bins centred on lags −windowS … windowS; bin k covers [−windowS + k·binS, −windowS + (k+1)·binS). */
  counts: typedArray('float32'),
});
export type SpikeCorrelogram = z.infer<typeof SpikeCorrelogram>;

const UnitIndex = z.number().int().nonnegative();
const Seconds = z.number().finite();
const Duration = z.number().positive().max(86_400);

export const spikesCalls = {
  'spikes.list': { params: z.object({}).strict(), result: z.array(SpikesSummary) },
  'spikes.summary': { params: z.object({ recordingId: Id }).strict(), result: SpikesSummary },
  'spikes.raster': {
    params: z
      .object({
        recordingId: Id,
        units: z.array(UnitIndex).max(SPIKES_MAX_UNITS),
        startS: Seconds,
        endS: Seconds,
        columns: z.number().int().positive().max(SPIKES_MAX_COLUMNS),
        maxSpikes: z.number().int().positive().max(SPIKES_MAX_RASTER_SPIKES).default(200_000),
      })
      .strict()
      .refine((p) => p.endS > p.startS, { message: 'endS must be after startS', path: ['endS'] }),
    result: SpikeRaster,
  },
  'spikes.psth': {
    params: z
      .object({
        recordingId: Id,
        eventSet: z.string().min(1).max(200),
        units: z.array(UnitIndex).max(SPIKES_MAX_UNITS),
        preS: z.number().nonnegative().max(3600),
        postS: z.number().positive().max(3600),
        binS: z.number().positive().max(3600),
        rasterUnit: UnitIndex.nullable().default(null),
      })
      .strict()
      .refine((p) => (p.preS + p.postS) / p.binS <= SPIKES_MAX_BINS, { message: `at most ${SPIKES_MAX_BINS} bins`, path: ['binS'] }),
    result: SpikePsth,
  },
  'spikes.isi': {
    params: z
      .object({ recordingId: Id, unit: UnitIndex, binS: z.number().positive().max(60), maxS: Duration, refractoryS: z.number().positive().max(1).default(0.002) })
      .strict()
      .refine((p) => p.maxS / p.binS <= SPIKES_MAX_BINS, { message: `at most ${SPIKES_MAX_BINS} bins`, path: ['binS'] }),
    result: SpikeIsi,
  },
  'spikes.correlogram': {
    params: z
      .object({ recordingId: Id, unitA: UnitIndex, unitB: UnitIndex, binS: z.number().positive().max(60), windowS: Duration })
      .strict()
      .refine((p) => (2 * p.windowS) / p.binS <= SPIKES_MAX_BINS, { message: `at most ${SPIKES_MAX_BINS} bins`, path: ['binS'] }),
    result: SpikeCorrelogram,
  },
} as const;

export const spikesApi = domainApi('spikes', spikesCalls);
