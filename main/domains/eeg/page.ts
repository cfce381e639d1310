/**
 * Computes one page of traces from a plan (page-budget.ts): for each group of derivations, reads
 * the window chunk by chunk (whole data records, only the signals the group needs), computes the
 * montage per chunk straight into the derivations' windows (the same arithmetic as
 * signal/montage.ts, without its per-sample callbacks and copies), filters each derivation in
 * place, cuts the page out and min/max decimates it.
 * Memory is one group's derivations plus one chunk; the thread yields between chunks (Slicer), so
 * a long page takes turns with other requests instead of blocking them.
 */
import type { EegPage, PageChannel } from '../../../shared/api/index.js';
import type { EdfReader } from '../../io/edf/index.js';
import { filterInPlace } from './chunked-filter.js';
import type { Slicer } from '../../scheduling/cooperative.js';
import { minMaxDecimate } from './decimate.js';
import type { DerivationGroup, PagePlan, PageRequest } from './page-budget.js';
import { classifyChannel, commonAverage } from '../../signal/index.js';
import { filterForChannelType } from '../../../shared/eeg-channels.js';

/** One derivation over the read window: filter input (gaps as 0) and where the gaps were. */
interface DerivedSamples {
  samples: Float64Array;
  gapMask: Uint8Array | null;
}

export async function computePage(reader: EdfReader, plan: PagePlan, request: PageRequest, slicer: Slicer): Promise<EegPage> {
  const channels: PageChannel[] = new Array(plan.derivations.length);
  let gaps: [number, number][] = [];
  for (const [g, group] of plan.groups.entries()) {
    const derived = await readGroup(reader, plan, group, slicer, g === 0 ? gaps : null);
    for (const [j, k] of group.members.entries()) {
      channels[k] = await pageChannel(plan, request, k, derived[j]!, slicer);
      derived[j] = undefined; // release this derivation's window before filtering the next
    }
  }
  const pageEnd = request.startS + request.durationS;
  gaps = gaps.map(([a, b]) => [Math.max(a, request.startS), Math.min(b, pageEnd)] as [number, number]).filter(([a, b]) => b > a);
  return {
    recordingId: request.recordingId,
    startS: request.startS,
    durationS: request.durationS,
    montage: request.montage,
    channels,
    recordingDurationS: reader.durationS,
    startDateTime: reader.header.startDateTime,
    gaps,
  };
}

/**
 * The group's derivations over the whole read window. Chunks are whole records long from the
 * window start, so each signal's samples land at the same indices as in one read of the window.
 * `gapsOut` (first group only) collects the window's gaps, merged across chunk boundaries.
 */
async function readGroup(
  reader: EdfReader,
  plan: PagePlan,
  group: DerivationGroup,
  slicer: Slicer,
  gapsOut: [number, number][] | null,
): Promise<(DerivedSamples | undefined)[]> {
  const { signals, readStartS, readDurationS } = plan;
  const rates = group.members.map((k) => signals[plan.plusOf[k]!]!.sampleRateHz);
  const derived: (DerivedSamples | undefined)[] = rates.map((rate) => ({ samples: new Float64Array(Math.round(readDurationS * rate)), gapMask: null }));
  const recordDurationS = reader.header.dataRecordDurationS;
  const chunkS = recordDurationS > 0 ? group.chunkRecords * recordDurationS : readDurationS;
  for (let chunk = 0; chunk * chunkS < readDurationS - 1e-9; chunk++) {
    const offsetS = chunk * chunkS;
    const window = reader.readWindow(readStartS + offsetS, Math.min(chunkS, readDurationS - offsetS), group.signals.map((p) => signals[p]!.index));
    const read = new Map(group.signals.map((p, j) => [p, window.data[j]!]));
    const averages = new Map<number, Float64Array>();
    group.members.forEach((k, j) => {
      const plus = read.get(plan.plusOf[k]!)!;
      const minus = plan.minusOf[k]!;
      const subtrahend = minus === null ? null : minus === 'avg' ? chunkAverage(plan, rates[j]!, read, averages) : read.get(minus)!;
      storeChunk(derived[j]!, plus, subtrahend, Math.round(offsetS * rates[j]!));
    });
    if (gapsOut) appendGaps(gapsOut, window.gaps);
    await slicer.checkpoint();
  }
  return derived;
}

/** The common average of this chunk at one rate (the averaged channels in recording order), once per rate. */
function chunkAverage(plan: PagePlan, rate: number, read: Map<number, Float64Array>, cache: Map<number, Float64Array>): Float64Array {
  const cached = cache.get(rate);
  if (cached) return cached;
  const average = commonAverage(plan.averagedAt.get(rate)!.map((p) => read.get(p)!));
  cache.set(rate, average);
  return average;
}

/**
 * Writes a chunk of one derivation (plus − minus, or plus as recorded) into its window at `at`:
 * gaps (NaN) as 0 for the filters, remembered in the mask.
 */
function storeChunk(target: DerivedSamples, plus: Float64Array, minus: Float64Array | null, at: number): void {
  const { samples } = target;
  const count = Math.min(plus.length, samples.length - at);
  for (let i = 0; i < count; i++) {
    const v = minus ? plus[i]! - minus[i]! : plus[i]!;
    if (Number.isNaN(v)) {
      target.gapMask ??= new Uint8Array(samples.length);
      target.gapMask[at + i] = 1;
      samples[at + i] = 0;
    } else samples[at + i] = v;
  }
}

/** Samples as the API sends them: float32, gaps stay NaN (binary frames and structured clone carry NaN as is). */
function toWireSamples(values: Float64Array): Float32Array {
  return Float32Array.from(values);
}

function appendGaps(gaps: [number, number][], more: readonly [number, number][]): void {
  for (const [a, b] of more) {
    const last = gaps[gaps.length - 1];
    if (last && a <= last[1] + 1e-9) last[1] = Math.max(last[1], b);
    else gaps.push([a, b]);
  }
}

/** Filters one derivation in place, blanks its gaps again, and cuts out and decimates the page. */
async function pageChannel(plan: PagePlan, request: PageRequest, k: number, derived: DerivedSamples, slicer: Slicer): Promise<PageChannel> {
  const source = plan.signals[plan.plusOf[k]!]!;
  const rate = source.sampleRateHz;
  const { samples, gapMask } = derived;
  const type = classifyChannel(source.label, source.unit);
  // Filters cannot cross NaN (gaps): they ran over zeros there, which are blanked again now.
  await filterInPlace(samples, rate, filterForChannelType(type, request.filter), slicer);
  if (gapMask) for (let i = 0; i < samples.length; i++) if (gapMask[i]) samples[i] = Number.NaN;
  const from = Math.round((request.startS - plan.readStartS) * rate);
  const page = samples.subarray(from, from + Math.round(request.durationS * rate));
  const decimated = page.length > plan.pointsPerChannel;
  const out = decimated ? minMaxDecimate(page, plan.pointsPerChannel) : { data: page, bucketSamples: 1 };
  await slicer.checkpoint();
  return {
    label: plan.derivations[k]!.label,
    type,
    unit: source.unit,
    sampleRateHz: rate,
    data: toWireSamples(out.data),
    decimated,
    bucketSamples: out.bucketSamples,
  };
}
