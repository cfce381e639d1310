/**
 * Per-channel RMS over a whole recording: the smallest real workflow through every layer. Reads the
 * file in blocks of data records (memory stays bounded for multi-day files), accumulates the sum of
 * squares of physical values per channel, reports progress per block and honours cancellation.
 */
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { EdfReader, decodeSignal } from '../../io/edf/index.js';
import type { PipelineContext, PipelineDefinition } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';

export const RmsParams = z
  .object({
    /** Records read per block; bounds memory to blockRecords × record size. */
    blockRecords: z.number().int().min(1).max(100_000).default(64),
    /** Subtract each channel's mean before taking the RMS (AC RMS), as an EEG amplitude measure. */
    removeMean: z.boolean().default(false),
  })
  .strict();
export type RmsParams = z.infer<typeof RmsParams>;

export interface ChannelRms {
  label: string;
  unit: string;
  rms: number;
  mean: number;
  samples: number;
}

const rms: PipelineDefinition<RmsParams> = {
  name: 'rms',
  title: 'Compute RMS',
  description: 'Root-mean-square amplitude of every channel over the whole recording.',
  input: 'recording',
  recordingKinds: ['eeg'],
  params: RmsParams,
  async run(context) {
    const recording = context.recording;
    if (!recording) throw new ValidationError('recordingId', 'the RMS pipeline needs a recording');
    const reader = EdfReader.open(recording.sourcePath);
    try {
      return accumulate(context, reader);
    } finally {
      reader.close();
    }
  },
};

function accumulate(context: PipelineContext<RmsParams>, reader: EdfReader): ResultItem[] {
  const header = reader.header;
  const signals = header.signals.filter((s) => !s.isAnnotation);
  if (signals.length === 0) throw new ValidationError('recording', `${reader.file} has no data channels (annotations only)`);
  for (const warning of header.warnings) context.log(warning, 'warn');
  context.log(`${signals.length} channels, ${header.dataRecordCount} records of ${header.dataRecordDurationS} s`);

  const sum = new Float64Array(signals.length);
  const sumSquares = new Float64Array(signals.length);
  const counts = new Float64Array(signals.length);
  const { blockRecords } = context.params;
  const maxSamples = Math.max(...signals.map((s) => s.samplesPerRecord)) * blockRecords;
  const scratch = new Float64Array(maxSamples);
  for (let first = 0; first < header.dataRecordCount; first += blockRecords) {
    context.throwIfCancelled();
    const count = Math.min(blockRecords, header.dataRecordCount - first);
    const block = reader.readRecords(first, count);
    signals.forEach((signal, c) => {
      const n = count * signal.samplesPerRecord;
      decodeSignal(header, signal, block, count, scratch);
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const v = scratch[i]!;
        s += v;
        ss += v * v;
      }
      sum[c]! += s;
      sumSquares[c]! += ss;
      counts[c]! += n;
    });
    const doneRecords = first + count;
    context.progress(doneRecords / header.dataRecordCount, `${doneRecords} / ${header.dataRecordCount} records`);
  }

  const values = new Float64Array(signals.length);
  const channels: ChannelRms[] = signals.map((signal, c) => {
    const n = counts[c]!;
    const mean = sum[c]! / n;
    const meanSquare = sumSquares[c]! / n;
    const value = Math.sqrt(Math.max(0, context.params.removeMean ? meanSquare - mean * mean : meanSquare));
    values[c] = value;
    return { label: signal.label, unit: signal.physicalDimension, rms: value, mean, samples: n };
  });
  context.progress(1, 'done');
  const results: ResultItem[] = [{ key: 'rms', value: { channels }, array: { data: values, shape: [values.length] } }];
  return results;
}

export default rms;
