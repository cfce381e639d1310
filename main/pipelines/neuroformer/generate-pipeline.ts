/**
 * The `neuroformer-generate` pipeline: a stored Neuroformer rolled out over its held-out time blocks,
 * window after window, each window's past rebuilt from the spikes the model generated itself
 * (generate.ts rollout: key/value cache, the released top-p/temperature sampling with each head
 * restricted to its legal tokens; the released code conditions on the recorded past in practice, see there). Each block
 * is cut into spans of `spanS` seconds rolled out in parallel (one batch row each); the recorded
 * spikes just before a span seed its first windows, after that the model only sees its own output.
 * Results: "generated" — the generated spikes (unit, time in recording seconds) as an int32/float64
 * pair in one float64 array [2, spikes], with the spans; read by neuroformer.raster.
 */
import { z } from 'zod';
import { BackendName } from '../../../shared/api/index.js';
import { deriveSeed } from '../../../shared/random.js';
import { CancelledError, type PipelineDefinition } from '../../jobs/pipeline.js';
import { NF_MODEL_PIPELINE } from './bundle.js';
import { loadModelInput } from './model-input.js';
import { RELEASED_SAMPLING, rollout, samplingFromParams } from './generate.js';

export const NF_GENERATE_PIPELINE = 'neuroformer-generate';

export const NfGenerateParams = z
  .object({
    modelId: z.number().int().positive().optional(),
    /** Length of each independently seeded rollout span (seconds, a multiple of the window). */
    spanS: z.number().positive().max(3600).default(5),
    /** At most this many seconds of each held-out block are generated (all when absent). */
    maxSecondsPerBlock: z.number().positive().max(100_000).optional(),
    topP: z.number().gt(0).max(1).default(RELEASED_SAMPLING.topP),
    temperature: z.number().positive().max(10).default(RELEASED_SAMPLING.temperature),
    greedy: z.boolean().default(false),
    seed: z.number().int().nonnegative().max(0xffffffff).default(0),
    backend: BackendName.optional(),
  })
  .strict();
export type NfGenerateParams = z.infer<typeof NfGenerateParams>;

export interface GeneratedSpikes {
  /** [start, end) of every span, recording seconds. */
  spans: [number, number][];
  unit: Int32Array;
  timeS: Float64Array;
}

/** Span starts (count-matrix seconds) covering each block from its first full context on. */
export function spanStarts(blocks: readonly { startS: number; endS: number }[], originS: number, config: { windowS: number; windowPrevS: number; dtS: number }, spanS: number, maxSeconds?: number): { starts: number[]; windows: number } {
  const windows = Math.max(1, Math.round(spanS / config.windowS));
  const length = windows * config.windowS;
  const starts: number[] = [];
  for (const b of blocks) {
    const first = Math.ceil((b.startS - originS + config.windowPrevS) / config.windowS - 1e-9) * config.windowS;
    const stop = Math.min(b.endS - originS, maxSeconds === undefined ? Infinity : first + maxSeconds);
    for (let s = first; s + length <= stop + 1e-9; s += length) starts.push(Number(s.toFixed(6)));
  }
  return { starts, windows };
}

export async function generateSpikes(input: Awaited<ReturnType<typeof loadModelInput>>, params: NfGenerateParams, onProgress?: (done: number, total: number) => void, signal?: { readonly aborted: boolean }): Promise<GeneratedSpikes> {
  const { model, data, bundle } = input;
  const config = model.config;
  const { starts, windows } = spanStarts(bundle.config.data.split.test, data.originS, config, params.spanS, params.maxSecondsPerBlock);
  const out = await rollout(model, data.counts, config.dtS, starts, windows, samplingFromParams(params), { seed: deriveSeed(params.seed, 0x6e66), stimulusFor: input.stimulusFor, onWindow: onProgress, signal });
  const unit: number[] = [];
  const time: number[] = [];
  out.spans.forEach((s) => {
    s.unit.forEach((u, i) => {
      unit.push(u);
      // Bin starts → the bin's centre, on the recording's clock.
      time.push(s.timeS[i]! + data.originS + config.dtS / 2);
    });
  });
  const order = Array.from(time.keys()).sort((a, b) => time[a]! - time[b]! || unit[a]! - unit[b]!);
  return {
    spans: starts.map((s) => [s + data.originS, s + data.originS + windows * config.windowS]),
    unit: Int32Array.from(order, (i) => unit[i]!),
    timeS: Float64Array.from(order, (i) => time[i]!),
  };
}

const neuroformerGenerate: PipelineDefinition<NfGenerateParams> = {
  name: NF_GENERATE_PIPELINE,
  title: 'Neuroformer generation',
  description: 'Rolls a trained Neuroformer out over its held-out time blocks, feeding its own spikes back as the past (top-p and temperature sampling on both heads); stores the generated spike trains.',
  input: 'recording',
  recordingKinds: ['spikes'],
  usesModel: NF_MODEL_PIPELINE,
  params: NfGenerateParams as unknown as z.ZodType<NfGenerateParams>,
  async run(context) {
    const params = context.params;
    context.progress(0, 'loading the model and the spikes');
    const input = await loadModelInput(context.model, context.recording!, params.backend);
    try {
      context.log(`model #${context.model!.id} (${input.model.config.name}, ${input.model.config.neurons} neurons) on ${input.backend}; spans of ${params.spanS} s over ${input.bundle.config.data.split.test.length} held-out block(s)`);
      const started = performance.now();
      const g = await generateSpikes(input, params, (done, total) => context.progress(0.02 + 0.98 * (done / total), `window ${done}/${total} of every span`), { get aborted() { return context.cancelled; } });
      if (context.cancelled) throw new CancelledError();
      const seconds = g.spans.reduce((s, [a, b]) => s + b - a, 0);
      context.log(`generated ${g.unit.length} spikes over ${seconds.toFixed(1)} s in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const array = new Float64Array(2 * g.unit.length);
      array.set(g.unit, 0);
      array.set(g.timeS, g.unit.length);
      return [
        {
          key: 'generated',
          value: { modelId: context.model!.id, spans: g.spans, spikes: g.unit.length, rows: ['unit', 'timeS'], sampling: { topP: params.topP, temperature: params.temperature, greedy: params.greedy, seed: params.seed }, note: 'own-past rollout: every window after the first previous-window span sees only generated spikes; times are bin centres, recording seconds' },
          array: { data: array, shape: [2, g.unit.length] },
        },
      ];
    } finally {
      input.model.dispose();
    }
  },
};

export default neuroformerGenerate;
