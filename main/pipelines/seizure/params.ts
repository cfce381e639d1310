/** Parameters both seizure detectors take: which input, input strictness and the event hysteresis. */
import { z } from 'zod';
import { DEFAULT_CLASSICAL_PARAMS } from './classical.js';

/**
 * 'standard': SzCORE's 19-electrode common-average input (needs ≥ 4 referential 10-20 EEG channels);
 * 'per-channel': every EEG channel ≥ 100 Hz scored alone, any montage (channel/detect.ts);
 * 'auto': standard when that input can be built from the recording, per-channel otherwise (the
 * neural detector follows its model's input instead).
 */
export const ChannelMode = z.enum(['auto', 'standard', 'per-channel']);
export type ChannelMode = z.infer<typeof ChannelMode>;

export const DetectionParams = z
  .object({
    channelMode: ChannelMode.default('auto'),
    /** Per-channel mode: only these channels (labels as in the file); all qualifying ones when omitted. Naming channels makes 'auto' per-channel. */
    channels: z.array(z.string().min(1)).min(1).optional(),
    /** Refuse recordings without all 19 SzCORE channels (true), or use the EEG channels present. */
    requireAllChannels: z.boolean().default(false),
    onThreshold: z.number().min(0).max(1).default(DEFAULT_CLASSICAL_PARAMS.onThreshold),
    offThreshold: z.number().min(0).max(1).default(DEFAULT_CLASSICAL_PARAMS.offThreshold),
    minEventS: z.number().min(0).default(DEFAULT_CLASSICAL_PARAMS.minEventS),
  })
  .strict();
export type DetectionParams = z.infer<typeof DetectionParams>;
