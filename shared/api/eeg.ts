/**
 * EEG review: montages, display filters, pages of traces, overview (compressed spectral array) and
 * annotations. Shared by the engine (main/domains/eeg/handlers.ts) and the viewer (renderer/src/eeg).
 */
import { z } from 'zod';
import { domainApi } from './define.js';
import { typedArray } from './typed-array.js';

/** One derivation of a montage: `plus − minus`; minus `null` = as recorded, `'avg'` = common average. */
export const Derivation = z.object({
  label: z.string().min(1).max(64),
  plus: z.string().min(1).max(64),
  minus: z.union([z.string().min(1).max(64), z.literal('avg'), z.null()]),
});
export type Derivation = z.infer<typeof Derivation>;

export const BUILTIN_MONTAGES = ['referential', 'average', 'bipolar-longitudinal', 'transverse'] as const;

export const Montage = z.object({
  /** 'referential' | 'average' | 'bipolar-longitudinal' | 'transverse', or a user montage's name. */
  name: z.string().min(1).max(64),
  title: z.string(),
  builtin: z.boolean(),
  /** Derivations resolved against this recording's channels (only those it can compute). */
  derivations: z.array(Derivation),
});
export type Montage = z.infer<typeof Montage>;

/** Display filters, applied per derivation after the montage. Null = off. */
export const FilterSettings = z
  .object({
    highpassHz: z.number().positive().max(1000).nullable(),
    lowpassHz: z.number().positive().max(5000).nullable(),
    notchHz: z.union([z.literal(50), z.literal(60)]).nullable(),
    /** Butterworth order of the high- and low-pass. */
    order: z.number().int().min(1).max(8),
    /** false: causal, as clinical systems display; true: forward-backward (zero phase). */
    zeroPhase: z.boolean(),
  })
  .strict();
export type FilterSettings = z.infer<typeof FilterSettings>;

export const NO_FILTER: FilterSettings = { highpassHz: null, lowpassHz: null, notchHz: null, order: 4, zeroPhase: false };

/**
 * What a channel records, from its label and unit (main/signal/channel-types.ts): scalp EEG, eye
 * (EOG), muscle (EMG), heart (ECG), respiration, temperature, oxygen saturation, event markers, DC
 * inputs, or something else. The viewer scales, colours and filters by type (shared/eeg-channels.ts).
 */
export const CHANNEL_TYPES = ['eeg', 'eog', 'emg', 'ecg', 'resp', 'temp', 'spo2', 'event', 'dc', 'misc'] as const;
export const ChannelType = z.enum(CHANNEL_TYPES);
export type ChannelType = z.infer<typeof ChannelType>;

export const PageChannel = z
  .object({
    label: z.string(),
    /** The type of the derivation's `plus` channel. */
    type: ChannelType,
    unit: z.string(),
    sampleRateHz: z.number(),
    /**
     * Samples in physical units from the page start; when `decimated`, pairs (min, max) of each
     * bucket of `bucketSamples` samples, so a zoomed-out page still shows every spike's extent. NaN
     * where the recording has no data (EDF+D gaps, past the end). float32 (7 significant digits) is
     * far finer than any EEG amplifier's resolution and halves the bytes of a page.
     */
    data: typedArray('float32'),
    decimated: z.boolean(),
    bucketSamples: z.number().int().positive(),
  })
  .refine((channel) => !channel.decimated || channel.data.length % 2 === 0, {
    message: 'a decimated channel has (min, max) pairs: an even number of values',
    path: ['data'],
  });
export type PageChannel = z.infer<typeof PageChannel>;

export const EegAnnotation = z.object({
  /** Project annotation id; null for annotations read from the file. */
  id: z.number().int().nullable(),
  source: z.enum(['file', 'project']),
  onsetS: z.number(),
  durationS: z.number(),
  text: z.string(),
  author: z.string().nullable(),
  createdAt: z.string().nullable(),
});
export type EegAnnotation = z.infer<typeof EegAnnotation>;

export const EegPage = z.object({
  recordingId: z.number().int(),
  startS: z.number(),
  durationS: z.number(),
  montage: z.string(),
  channels: z.array(PageChannel),
  recordingDurationS: z.number(),
  /** Recording start, local clock, ISO 8601 without zone. */
  startDateTime: z.string(),
  /** Gaps of an EDF+D file inside this page: [startS, endS] in recording time. */
  gaps: z.array(z.tuple([z.number(), z.number()])),
});
export type EegPage = z.infer<typeof EegPage>;

export const EegOverview = z.object({
  recordingId: z.number().int(),
  /** Compressed spectral array: one column per epoch, power in dB averaged over channels. */
  epochS: z.number(),
  freqsHz: z.array(z.number()),
  /** powerDb[epoch][freq] */
  powerDb: z.array(z.array(z.number())),
  recordingDurationS: z.number(),
});
export type EegOverview = z.infer<typeof EegOverview>;

const RecordingId = z.number().int().positive();

/**
 * Bounds of one `eeg.page` request, so no request can ask for unbounded work (a page of a whole
 * 12-hour file once stalled the bridge for minutes). Review pages are 5–60 s (the viewer's menu);
 * 300 s leaves room for zoomed-out review. 16384 points is one (min, max) pair per device pixel of
 * an 8K-wide plot. The engine also caps the samples a page may read and the points it returns in
 * all (main/domains/eeg/page-budget.ts).
 */
export const PAGE_MAX_DURATION_S = 300;
export const PAGE_MIN_POINTS_PER_CHANNEL = 100;
export const PAGE_MAX_POINTS_PER_CHANNEL = 16_384;

export const eegCalls = {
  'eeg.montages': {
    params: z.object({ recordingId: RecordingId }).strict(),
    result: z.array(Montage),
  },
  'eeg.saveMontage': {
    params: z.object({ name: z.string().min(1).max(64), title: z.string().max(200), derivations: z.array(Derivation).min(1).max(512) }).strict(),
    result: Montage,
  },
  'eeg.page': {
    params: z
      .object({
        recordingId: RecordingId,
        startS: z.number().min(0),
        durationS: z
          .number()
          .positive()
          .max(PAGE_MAX_DURATION_S, `a page is at most ${PAGE_MAX_DURATION_S} s; page through longer spans (eeg.overview shows the whole recording)`),
        montage: z.string().min(1).max(64),
        filter: FilterSettings,
        /** Above this many samples per channel, min/max decimation: send about 2 × the plot's width in device pixels. */
        maxPointsPerChannel: z
          .number()
          .int()
          .min(PAGE_MIN_POINTS_PER_CHANNEL)
          .max(PAGE_MAX_POINTS_PER_CHANNEL, `at most ${PAGE_MAX_POINTS_PER_CHANNEL} points per channel (2 per device pixel of an 8K-wide plot)`)
          .default(4000),
      })
      .strict(),
    result: EegPage,
  },
  'eeg.overview': {
    params: z.object({ recordingId: RecordingId }).strict(),
    result: EegOverview,
  },
  'eeg.annotations': {
    params: z.object({ recordingId: RecordingId }).strict(),
    result: z.array(EegAnnotation),
  },
  'eeg.addAnnotation': {
    params: z
      .object({
        recordingId: RecordingId,
        onsetS: z.number().min(0),
        durationS: z.number().min(0),
        text: z.string().min(1).max(1000),
      })
      .strict(),
    result: EegAnnotation,
  },
  /** A new row, signed by this machine's reviewer, supersedes the annotation (the old row is kept). */
  'eeg.editAnnotation': {
    params: z
      .object({
        annotationId: z.number().int().positive(),
        onsetS: z.number().min(0).optional(),
        durationS: z.number().min(0).optional(),
        text: z.string().min(1).max(1000).optional(),
      })
      .strict(),
    result: EegAnnotation,
  },
  /** A new retracted row supersedes the annotation: it leaves the list and the exports, not the history. */
  'eeg.deleteAnnotation': {
    params: z.object({ annotationId: z.number().int().positive() }).strict(),
    /** The id of the retraction row (restore it to undo). */
    result: z.object({ annotationId: z.number().int() }),
  },
  /** Undo of a delete: a new live row supersedes the retraction. */
  'eeg.restoreAnnotation': {
    params: z.object({ annotationId: z.number().int().positive() }).strict(),
    result: EegAnnotation,
  },
  'eeg.exportAnnotations': {
    params: z
      .object({
        recordingId: RecordingId,
        format: z.enum(['edf+', 'bids-events']),
        /** Absolute. Never a project file or a source recording; an existing file only with overwrite. */
        path: z.string().min(1).max(4096),
        /** The user chose to replace an existing file (the UI asks first; a 'conflict' error says it exists). */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    result: z.object({ path: z.string(), count: z.number().int() }),
  },
} as const;

export const eegApi = domainApi('eeg', eegCalls);
