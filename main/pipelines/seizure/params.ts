/** Parameters both seizure detectors take: input strictness and the event hysteresis. */
import { z } from 'zod';
import { DEFAULT_CLASSICAL_PARAMS } from './classical.js';

export const DetectionParams = z
  .object({
    /** Refuse recordings without all 19 SzCORE channels (true), or use the EEG channels present. */
    requireAllChannels: z.boolean().default(false),
    onThreshold: z.number().min(0).max(1).default(DEFAULT_CLASSICAL_PARAMS.onThreshold),
    offThreshold: z.number().min(0).max(1).default(DEFAULT_CLASSICAL_PARAMS.offThreshold),
    minEventS: z.number().min(0).default(DEFAULT_CLASSICAL_PARAMS.minEventS),
  })
  .strict();
export type DetectionParams = z.infer<typeof DetectionParams>;
