/**
 * Bounds of `eeg.page` (issue #15: one 300-byte request for a page of a whole 12-hour file stalled
 * the bridge for minutes and took gigabytes): the schema's limits, the engine's read and reply
 * budgets, min/max decimation to the requested points, the chunked computation giving the same
 * page as one read of the window, and the engine's thread staying responsive during a heavy page.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eegCalls,
  fisbeCalls,
  NO_FILTER,
  PAGE_MAX_DURATION_S,
  PAGE_MAX_POINTS_PER_CHANNEL,
  type Derivation,
  type FilterSettings,
} from '../../shared/api/index.js';
import { createHandlers, dispatch, Engine } from '../../main/engine/index.js';
import { filterInPlace } from '../../main/domains/eeg/chunked-filter.js';
import { Slicer, WorkQueue } from '../../main/scheduling/cooperative.js';
import { minMaxDecimate } from '../../main/domains/eeg/decimate.js';
import { computePage } from '../../main/domains/eeg/page.js';
import {
  filterPadS,
  HEAVY_PAGES_WAITING_MAX,
  PAGE_MAX_CHANNELS,
  PAGE_MAX_POINTS,
  PAGE_MAX_READ_SAMPLES,
  planPage,
  type PageRequest,
  type PageSignal,
} from '../../main/domains/eeg/page-budget.js';
import { EdfReader, encodeEdf } from '../../main/io/edf/index.js';
import { applyDisplayFilter, applyMontage, classifyChannel, resolveMontage } from '../../main/signal/index.js';
import { filterForChannelType } from '../../shared/eeg-channels.js';
import { ValidationError } from '../../main/errors.js';
import { writeLongEdf } from '../helpers/long-edf.js';
import { tempDir } from '../helpers/tmp.js';

const pageParams = eegCalls['eeg.page'].params;
const FILTER_ON: FilterSettings = { highpassHz: 0.5, lowpassHz: 70, notchHz: 50, order: 4, zeroPhase: false };
const request = (overrides: Partial<PageRequest> = {}): PageRequest => ({
  recordingId: 1,
  startS: 0,
  durationS: 10,
  montage: 'referential',
  filter: NO_FILTER,
  maxPointsPerChannel: 4000,
  ...overrides,
});
const signalsAt = (count: number, sampleRateHz: number): PageSignal[] =>
  Array.from({ length: count }, (_, i) => ({ index: i, label: `EEG X${i}`, unit: 'uV', sampleRateHz }));
const referential = (signals: PageSignal[]): Derivation[] => signals.map((s) => ({ label: s.label, plus: s.label, minus: null }));

describe('eeg.page schema bounds', () => {
  const base = { recordingId: 1, startS: 0, montage: 'referential', filter: NO_FILTER };

  it('accepts review pages up to 300 s and up to 16384 points per channel', () => {
    for (const durationS of [5, 10, 30, 60, PAGE_MAX_DURATION_S]) expect(pageParams.safeParse({ ...base, durationS }).success).toBe(true);
    expect(pageParams.safeParse({ ...base, durationS: 10, maxPointsPerChannel: PAGE_MAX_POINTS_PER_CHANNEL }).success).toBe(true);
  });

  it('refuses longer pages, more points and non-finite values with a readable reason', () => {
    const long = pageParams.safeParse({ ...base, durationS: 12 * 3600 });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toMatch(/a page is at most 300 s/);
    const points = pageParams.safeParse({ ...base, durationS: 10, maxPointsPerChannel: 100_000 });
    expect(points.error?.issues[0]?.message).toMatch(/at most 16384 points per channel/);
    expect(pageParams.safeParse({ ...base, durationS: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(pageParams.safeParse({ ...base, durationS: 10, maxPointsPerChannel: 10 }).success).toBe(false);
  });
});

describe('other calls that could ask for unbounded work', () => {
  it('fisbe.slice takes slice indices a volume can have (coordinates travel as Uint16)', () => {
    const slice = fisbeCalls['fisbe.slice'].params;
    expect(slice.safeParse({ runId: 1, axis: 'z', index: 65_535 }).success).toBe(true);
    expect(slice.safeParse({ runId: 1, axis: 'z', index: 65_536 }).success).toBe(false);
  });
});

describe('page budget (engine side)', () => {
  it('refuses a page that would read more than the budget, naming what to change', () => {
    // 64 channels at 4 kHz: 300 s is 78.6 M samples.
    const signals = signalsAt(64, 4096);
    const plan = () => planPage(request({ durationS: 300 }), referential(signals), signals, 1);
    expect(plan).toThrow(ValidationError);
    expect(plan).toThrow(/would read 78\.6 M samples .* shorten the page or choose a montage with fewer channels/);
    // The same channels at 2 kHz fit: ~39 M samples plus the filters' settling time.
    const fits = planPage(request({ startS: 100, durationS: 300, filter: { ...FILTER_ON, zeroPhase: true } }), referential(signalsAt(64, 2048)), signalsAt(64, 2048), 1);
    expect(fits.readSamples).toBeLessThanOrEqual(PAGE_MAX_READ_SAMPLES);
    expect(fits.readDurationS).toBeCloseTo(300 + 2 * filterPadS(FILTER_ON), 6);
  });

  it('refuses pages longer than 300 s and montages with too many channels, for callers that skip the schema', () => {
    const signals = signalsAt(4, 256);
    expect(() => planPage(request({ durationS: 43_200 }), referential(signals), signals, 1)).toThrow(/a page is at most 300 s/);
    const many = signalsAt(PAGE_MAX_CHANNELS + 1, 1);
    expect(() => planPage(request(), referential(many), many, 1)).toThrow(/has 1025 channels; a page shows at most 1024/);
  });

  it('lowers the points per channel so a page returns at most PAGE_MAX_POINTS numbers', () => {
    const signals = signalsAt(600, 256);
    const plan = planPage(request({ maxPointsPerChannel: PAGE_MAX_POINTS_PER_CHANNEL }), referential(signals), signals, 1);
    expect(plan.pointsPerChannel).toBe(Math.floor(PAGE_MAX_POINTS / 600));
    expect(planPage(request({ maxPointsPerChannel: 100_000 }), referential(signalsAt(2, 256)), signalsAt(2, 256), 1).pointsPerChannel).toBe(PAGE_MAX_POINTS_PER_CHANNEL);
  });

  it('reads only the signals a montage needs', () => {
    const signals = signalsAt(8, 256);
    const one: Derivation[] = [{ label: 'A', plus: 'EEG X1', minus: 'EEG X5' }];
    expect(planPage(request({ durationS: 100 }), one, signals, 1).readSamples).toBe(2 * 100 * 256);
  });
});

describe('min/max decimation', () => {
  it('returns at most maxPoints values that keep every extreme', () => {
    for (const n of [1001, 4096, 76_800, 100_003]) {
      const samples = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 7));
      samples[Math.floor(n / 3)] = 900;
      samples[n - 1] = -900;
      for (const maxPoints of [100, 1000, 3601, 16_384]) {
        const { data, bucketSamples } = minMaxDecimate(samples, maxPoints);
        expect(data.length).toBeLessThanOrEqual(maxPoints);
        expect(data.length).toBe(2 * Math.ceil(n / bucketSamples));
        expect(Math.max(...data)).toBe(900);
        expect(Math.min(...data)).toBe(-900);
      }
    }
  });
});

describe('chunked display filter', () => {
  it('equals applyDisplayFilter sample for sample, causal and zero-phase, whatever the chunk size', async () => {
    const samples = Float64Array.from({ length: 5003 }, (_, i) => 40 * Math.sin(i / 3) + 100 * Math.sin(i / 200) + (i % 97 === 0 ? 300 : 0) + 25);
    for (const filter of [FILTER_ON, { ...FILTER_ON, zeroPhase: true }, { ...NO_FILTER, highpassHz: 1 }, { ...NO_FILTER, lowpassHz: 30, zeroPhase: true, order: 8 }]) {
      const expected = applyDisplayFilter(samples, 256, filter);
      for (const chunk of [1, 64, 1000, 1 << 17]) {
        const actual = samples.slice();
        await filterInPlace(actual, 256, filter, new Slicer(), chunk);
        expect(actual).toEqual(expected);
      }
    }
  });

  it('falls back to causal filtering below the zero-phase padding, as applyDisplayFilter does', async () => {
    const short = Float64Array.from({ length: 20 }, (_, i) => i);
    const expected = applyDisplayFilter(short, 256, { ...FILTER_ON, zeroPhase: true });
    await filterInPlace(short, 256, { ...FILTER_ON, zeroPhase: true }, new Slicer());
    expect(short).toEqual(expected);
  });
});

describe('work queue', () => {
  it('runs heavy tasks one at a time, first come first served, and survives a failing task', async () => {
    const queue = new WorkQueue(1);
    const order: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) =>
      queue.run(async () => {
        running++;
        expect(running).toBe(1);
        order.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.pending).toBe(0);
  });
});

describe('pages on recordings', () => {
  const tmp = tempDir('cajal-page-bounds-');
  let engine: Engine;
  let longId: number;
  let gappedPath: string;
  let denseId: number;
  let dayId: number;

  beforeAll(async () => {
    // 12 hours (sparse: 2 channels at 16 Hz, 2.8 MB) for the original reproduction.
    const long = writeLongEdf(join(tmp.dir, 'long.edf'), { durationS: 12 * 3600, channels: 2, sampleRateHz: 16 });
    // 300 s of 16 channels at 1 kHz: a page of it is heavy (5 M samples) but within the budget.
    const dense = writeLongEdf(join(tmp.dir, 'dense.edf'), { durationS: 330, channels: 16, sampleRateHz: 1024 });
    // 25 hours (one channel at 8 Hz, 1.4 MB) for the overview's bound.
    const day = writeLongEdf(join(tmp.dir, 'day.edf'), { durationS: 25 * 3600, channels: 1, sampleRateHz: 8 });
    // EDF+D with gaps, 0.5 s records, 256 Hz scalp channels and a 128 Hz one.
    gappedPath = join(tmp.dir, 'gapped.edf');
    const starts = Array.from({ length: 40 }, (_, r) => r * 0.5 + (r >= 13 ? 3.25 : 0) + (r >= 29 ? 1 : 0));
    writeFileSync(
      gappedPath,
      encodeEdf({
        variant: 'edf+D',
        dataRecordDurationS: 0.5,
        recordCount: starts.length,
        recordStartsS: starts,
        signals: [
          ...['Fp1', 'F7', 'T7', 'C3', 'Cz', 'O2'].map((electrode, c) => ({
            label: `EEG ${electrode}-REF`,
            physicalDimension: 'uV',
            physicalMin: -1000,
            physicalMax: 1000,
            samplesPerRecord: 128,
            values: (r: number) => Float64Array.from({ length: 128 }, (_, i) => 50 * Math.sin((r * 128 + i) / (5 + c)) + 30 * c),
          })),
          { label: 'Resp', physicalDimension: 'mV', physicalMin: -10, physicalMax: 10, samplesPerRecord: 64, values: (r: number) => Float64Array.from({ length: 64 }, (_, i) => Math.cos((r * 64 + i) / 9)) },
        ],
      }),
    );
    engine = await Engine.open({ projectPath: join(tmp.dir, 'bounds.cajal'), create: true, maxConcurrent: 1 });
    const outcome = await engine.importRecordings([long, dense, day]);
    [longId, denseId, dayId] = outcome.imported.map((r) => r.id) as [number, number, number];
  }, 60_000);
  afterAll(async () => {
    await engine.close();
    tmp.cleanup();
  });

  it('refuses the original reproduction (a page of the whole 12-hour file) with a clear message, at once', async () => {
    const handlers = createHandlers(engine, { transport: 'bridge', nativeFileDialog: false });
    const message = {
      id: 7,
      call: 'eeg.page',
      params: { recordingId: longId, startS: 0, durationS: 43_200, montage: 'average', filter: { highpassHz: 0.5, lowpassHz: 70, notchHz: 50, order: 4, zeroPhase: false }, maxPointsPerChannel: 4000 },
    };
    expect(JSON.stringify(message).length).toBeLessThan(300);
    const started = performance.now();
    const reply = await dispatch(handlers, message);
    const elapsedMs = performance.now() - started;
    expect(reply).toMatchObject({ id: 7, ok: false, error: { code: 'bad-request' } });
    expect(reply.ok ? '' : reply.error.message).toMatch(/^invalid params for eeg\.page: durationS: a page is at most 300 s/);
    expect(elapsedMs).toBeLessThan(50);
    // A caller that skips the schema (CLI, tests) is refused by the engine too.
    await expect(engine.services.eeg.page({ ...request({ recordingId: longId, durationS: 43_200 }) })).rejects.toThrow(/a page is at most 300 s/);
  });

  it('answers the largest page the schema accepts within its bounds', async () => {
    const page = await engine.services.eeg.page(request({ recordingId: longId, startS: 6 * 3600, durationS: 300, montage: 'average', filter: { ...FILTER_ON, zeroPhase: true }, maxPointsPerChannel: PAGE_MAX_POINTS_PER_CHANNEL }));
    expect(page.channels).toHaveLength(2);
    for (const channel of page.channels) expect(channel.data).toHaveLength(300 * 16); // 4800 samples: under the points asked, not decimated
    const decimated = await engine.services.eeg.page(request({ recordingId: denseId, durationS: 300, maxPointsPerChannel: 1000 }));
    for (const channel of decimated.channels) {
      expect(channel.decimated).toBe(true);
      expect(channel.data.length).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps the event loop responsive during a heavy page (it yields between slices)', async () => {
    let last = performance.now();
    let worstLagMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last);
      last = now;
    }, 1);
    try {
      const started = performance.now();
      const page = await engine.services.eeg.page(request({ recordingId: denseId, durationS: 300, montage: 'average', filter: { ...FILTER_ON, zeroPhase: true }, maxPointsPerChannel: 4000 }));
      const totalMs = performance.now() - started;
      expect(page.channels).toHaveLength(16);
      // The page takes a few hundred ms in all, but never holds the thread for long in one go.
      expect(worstLagMs).toBeLessThan(Math.max(60, totalMs / 4));
    } finally {
      clearInterval(ticker);
    }
  });

  it('computes heavy pages one at a time and refuses them beyond HEAVY_PAGES_WAITING_MAX waiting', async () => {
    // 150 s of 16 channels at 1 kHz: 2.5 M samples, over the heavy threshold.
    const heavy = (startS: number) => engine.services.eeg.page(request({ recordingId: denseId, startS, durationS: 150, maxPointsPerChannel: 1000 }));
    const finished: string[] = [];
    const asked = Array.from({ length: HEAVY_PAGES_WAITING_MAX + 3 }, (_, i) => heavy(i).finally(() => finished.push(`heavy ${i}`)));
    // A normal page asked meanwhile does not wait for the heavy ones.
    const normal = engine.services.eeg.page(request({ recordingId: denseId, durationS: 10 })).finally(() => finished.push('normal'));
    const settled = await Promise.allSettled(asked);
    expect((await normal).channels).toHaveLength(16);
    expect(finished.indexOf('normal')).toBeLessThan(finished.indexOf(`heavy ${HEAVY_PAGES_WAITING_MAX}`));
    // One runs, HEAVY_PAGES_WAITING_MAX wait for it; the rest are refused at once.
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(HEAVY_PAGES_WAITING_MAX + 1);
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(refused).toHaveLength(2);
    expect(String(refused[0]!.reason)).toMatch(/8 long pages are already waiting to be computed/);
  });

  it('bounds the overview of a long recording to 4320 columns (longer epochs past 12 hours)', async () => {
    const twelve = await engine.services.eeg.overview(longId);
    expect(twelve.epochS).toBe(10);
    expect(twelve.powerDb).toHaveLength(4320);
    const day = await engine.services.eeg.overview(dayId);
    expect(day.epochS).toBe(30); // was 9000 columns of 10 s
    expect(day.powerDb).toHaveLength(3000);
    expect(day.recordingDurationS).toBe(25 * 3600);
  });

  it('computes the same page in chunks and groups as in one read of the window', async () => {
    const reader = EdfReader.open(gappedPath);
    try {
      const signals: PageSignal[] = reader.dataSignals().map((s) => ({ index: s.index, label: s.signal.label, unit: s.signal.physicalDimension, sampleRateHz: s.sampleRateHz }));
      const labels = signals.map((s) => s.label);
      const montages = [resolveMontage('average', labels), resolveMontage('bipolar-longitudinal', labels), resolveMontage('referential', labels)];
      const filters: FilterSettings[] = [NO_FILTER, FILTER_ON, { ...FILTER_ON, zeroPhase: true }, { ...NO_FILTER, highpassHz: 5, zeroPhase: true }];
      for (const derivations of montages) {
        for (const filter of filters) {
          for (const [startS, durationS, maxPoints] of [[3.3, 10, 100_000], [0, 22, 700], [9.75, 5, 100_000]] as const) {
            const asked = request({ startS, durationS, filter, maxPointsPerChannel: maxPoints });
            const expected = wholeWindowPage(reader, derivations, labels, asked);
            for (const split of [{ groupSamples: 1, readChunkSamples: 1 }, { groupSamples: 3000, readChunkSamples: 500 }, undefined]) {
              const plan = planPage(asked, derivations, signals, reader.header.dataRecordDurationS, split);
              const page = await computePage(reader, plan, asked, new Slicer());
              expect(page.gaps).toEqual(expected.gaps);
              expect(page.channels.map((c) => c.data)).toEqual(expected.channels);
            }
          }
        }
      }
    } finally {
      reader.close();
    }
  });
});

/** The page as the engine computed it before issue #15: one read of the window, then montage, filter, decimation. */
function wholeWindowPage(reader: EdfReader, derivations: Derivation[], labels: string[], asked: PageRequest) {
  const signals = reader.dataSignals();
  // Each derivation is filtered as its type is (the Resp channel not at all); the window is padded for the most demanding.
  const filterOf = (derivation: Derivation) => {
    const plus = signals[labels.indexOf(derivation.plus)]!.signal;
    return filterForChannelType(classifyChannel(plus.label, plus.physicalDimension), asked.filter);
  };
  const pad = Math.max(0, ...derivations.map((d) => filterPadS(filterOf(d))));
  const readStart = Math.max(0, asked.startS - pad);
  const readEnd = asked.startS + asked.durationS + (asked.filter.zeroPhase ? pad : 0);
  const window = reader.readWindow(readStart, readEnd - readStart, signals.map((s) => s.index));
  const derived = applyMontage(derivations, labels, window.data);
  const channels = derivations.map((derivation, k) => {
    const rate = signals[labels.indexOf(derivation.plus)]!.sampleRateHz;
    const raw = derived[k]!;
    const filtered = applyDisplayFilter(raw.map((v) => (Number.isNaN(v) ? 0 : v)), rate, filterOf(derivation));
    raw.forEach((v, i) => Number.isNaN(v) && (filtered[i] = Number.NaN));
    const from = Math.round((asked.startS - readStart) * rate);
    const page = filtered.subarray(from, from + Math.round(asked.durationS * rate));
    const out = page.length > asked.maxPointsPerChannel ? minMaxDecimate(page, asked.maxPointsPerChannel).data : page;
    return Float32Array.from(out); // as the API carries pages: float32, gaps NaN
  });
  const pageEnd = asked.startS + asked.durationS;
  const gaps = window.gaps.map(([a, b]) => [Math.max(a, asked.startS), Math.min(b, pageEnd)] as [number, number]).filter(([a, b]) => b > a);
  return { channels, gaps };
}
