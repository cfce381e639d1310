/**
 * Calcium imaging: what the Traces view asks of the engine. An overview (the cells with their
 * names, activity and positions, a cells × columns heat map of the whole recording, and the
 * behaviour traces) and pages of traces for the cells and the time window on screen. Every large
 * array is a typed array (structured clone over IPC, binary frames on the bridge) and bounded by
 * the columns asked for, never by the recording's length: a page is min/max per screen column.
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

const Id = z.number().int().positive();

/** At most this many columns in a heat map or a page (a 4K screen's width). */
export const CALCIUM_MAX_COLUMNS = 4096;
/** At most this many heat-map values (cells × columns): 16 MiB of float32. */
export const CALCIUM_MAX_HEATMAP_VALUES = 4_194_304;
/** At most this many cells in one page of traces. */
export const CALCIUM_MAX_PAGE_CELLS = 128;

export const CalciumSummary = z.object({
  recordingId: Id,
  name: z.string(),
  source: z.string(),
  format: z.string(),
  cellCount: z.number().int().positive(),
  frameCount: z.number().int().positive(),
  /** The rate every consumer uses: the user's where they set one, else the file's; null when neither says. */
  frameRateHz: z.number().positive().nullable(),
  /** What the file states (null: nothing, like the zebrafish CSV matrices). */
  fileFrameRateHz: z.number().positive().nullable(),
  frameRateSetByUser: z.boolean(),
  /** What the file's values are (`fluorescence`, `f-over-f20`, `dff`, `zscore`, `deconvolved`, `unknown`). */
  traceKind: z.string(),
  /** What is drawn, short (axis label): `ΔF/F`, `z-score`, `value`. */
  displayLabel: z.string(),
  /** How the drawn values come from the file, in one sentence (ΔF/F computed, or shown as they are). */
  displayNote: z.string(),
  warnings: z.array(z.string()),
});
export type CalciumSummary = z.infer<typeof CalciumSummary>;

/** One behaviour variable decimated to the columns: min and max per column (a filled band). */
export const CalciumBehaviour = z.object({
  name: z.string(),
  min: typedArray('float32'),
  max: typedArray('float32'),
  /** The variable's range over the whole recording (fixed axes while scrolling). */
  low: z.number(),
  high: z.number(),
});
export type CalciumBehaviour = z.infer<typeof CalciumBehaviour>;

export const CalciumOverview = CalciumSummary.extend({
  /** One name per cell: the file's label, or `cell <n>` (1-based) when unnamed. */
  cellNames: z.array(z.string()),
  /** Per cell: the standard deviation of the drawn trace (what "sort by activity" sorts by). */
  activity: typedArray('float32'),
  /** cells × 3 (x, y, z in the file's units, pixels for Suite2p/NWB/CSV); null when the file has none. */
  positions: typedArray('float32').nullable(),
  /** Suite2p `iscell` (1 = cell, 0 = not), null when the file does not classify. */
  isCell: typedArray('uint8').nullable(),
  /** Heat map columns; column c covers frames ⌊c·F/columns⌋ … ⌊(c+1)·F/columns⌋ − 1. */
  columns: z.number().int().positive(),
  /** cells × columns, row-major in file order: the maximum of the drawn trace per column (events stay visible). */
  heatmap: typedArray('float32'),
  /** The colour scale: the 1st and 99.5th percentiles of the drawn values. */
  heatLow: z.number(),
  heatHigh: z.number(),
  behaviour: z.array(CalciumBehaviour),
  /** The file gives deconvolved activity beside the traces (Suite2p spks.npy): `traces: 'deconvolved'` draws it. */
  hasDeconvolved: z.boolean(),
}).superRefine((overview, ctx) => {
  const cells = overview.cellCount;
  const expect = (path: string, length: number, wanted: number) => {
    if (length !== wanted) ctx.addIssue({ code: 'custom', path: [path], message: `${length} values, expected ${wanted}` });
  };
  expect('cellNames', overview.cellNames.length, cells);
  expect('activity', overview.activity.length, cells);
  if (overview.positions) expect('positions', overview.positions.length, cells * 3);
  if (overview.isCell) expect('isCell', overview.isCell.length, cells);
  expect('heatmap', overview.heatmap.length, cells * overview.columns);
  overview.behaviour.forEach((b, i) => {
    expect(`behaviour.${i}.min`, b.min.length, overview.columns);
    expect(`behaviour.${i}.max`, b.max.length, overview.columns);
  });
});
export type CalciumOverview = z.infer<typeof CalciumOverview>;

/** The traces of some cells over frames [startFrame, endFrame), min and max per column. */
export const CalciumPage = z.object({
  recordingId: Id,
  cells: z.array(z.number().int().nonnegative()),
  startFrame: z.number().int().nonnegative(),
  endFrame: z.number().int().positive(),
  columns: z.number().int().positive(),
  /** cells × columns, row-major in the order of `cells`. */
  min: typedArray('float32'),
  max: typedArray('float32'),
  /** Per cell: the 1st and 99.5th percentiles of its whole drawn trace (lanes keep their scale while scrolling). */
  low: typedArray('float32'),
  high: typedArray('float32'),
  /** The behaviour variables over the same window. */
  behaviour: z.array(CalciumBehaviour),
}).superRefine((page, ctx) => {
  const n = page.cells.length * page.columns;
  for (const field of ['min', 'max'] as const) {
    if (page[field].length !== n) ctx.addIssue({ code: 'custom', path: [field], message: `${page[field].length} values, expected ${page.cells.length} × ${page.columns}` });
  }
  for (const field of ['low', 'high'] as const) {
    if (page[field].length !== page.cells.length) ctx.addIssue({ code: 'custom', path: [field], message: `${page[field].length} values for ${page.cells.length} cells` });
  }
});
export type CalciumPage = z.infer<typeof CalciumPage>;

const Columns = z.number().int().positive().max(CALCIUM_MAX_COLUMNS);
/** Which traces to draw: the main ones (ΔF/F, or the file's values) or the deconvolved activity given beside them (Suite2p spks). */
export const CalciumTraceSource = z.enum(['main', 'deconvolved']);
export type CalciumTraceSource = z.infer<typeof CalciumTraceSource>;

export const calciumCalls = {
  'calcium.list': { params: z.object({}).strict(), result: z.array(CalciumSummary) },
  'calcium.overview': { params: z.object({ recordingId: Id, columns: Columns, traces: CalciumTraceSource.default('main') }).strict(), result: CalciumOverview },
  'calcium.page': {
    params: z
      .object({
        recordingId: Id,
        cells: z.array(z.number().int().nonnegative()).max(CALCIUM_MAX_PAGE_CELLS),
        startFrame: z.number().int().nonnegative(),
        endFrame: z.number().int().positive(),
        columns: Columns,
        traces: CalciumTraceSource.default('main'),
      })
      .strict(),
    result: CalciumPage,
  },
  /** Frames per second stored with the recording (the file is untouched); null restores the file's. */
  'calcium.setFrameRate': {
    params: z.object({ recordingId: Id, frameRateHz: z.number().positive().max(100_000).nullable() }).strict(),
    result: CalciumSummary,
  },
} as const;

export const calciumApi = domainApi('calcium', calciumCalls);
