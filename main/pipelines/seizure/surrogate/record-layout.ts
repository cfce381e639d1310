/**
 * The EDF data record for a sample rate: EDF stores an integer number of samples per record and a
 * record duration, and readers compute the rate as their quotient. 200 Hz fits 1 s records;
 * Bonn's 173.61 Hz does not fit any record shorter than 100 s (17361 samples). We take the shortest
 * whole-second record whose quotient gives back exactly the same double, so the file's rate is the
 * collection's rate bit for bit.
 */
import { ValidationError } from '../../../errors.js';
import { MAX_RECORD_BYTES } from '../../../io/edf/header.js';

export interface EdfRecordLayout {
  recordDurationS: number;
  samplesPerRecord: number;
}

/** Longest record tried; a rate that needs more is not a rate with at most two decimals. */
const MAX_RECORD_S = 1000;

export function edfRecordLayout(rateHz: number): EdfRecordLayout {
  if (!(rateHz > 0) || !Number.isFinite(rateHz)) throw new ValidationError('rateHz', `must be a positive number of Hz, not ${rateHz}`);
  for (let seconds = 1; seconds <= MAX_RECORD_S; seconds++) {
    const samples = Math.round(rateHz * seconds);
    if (samples > 0 && samples / seconds === rateHz) {
      // 16-bit samples plus room for the annotation signal must fit the reader's record limit.
      if (samples * 2 > MAX_RECORD_BYTES / 2) break;
      return { recordDurationS: seconds, samplesPerRecord: samples };
    }
  }
  throw new ValidationError('rateHz', `${rateHz} Hz cannot be stored exactly in EDF: no record of 1–${MAX_RECORD_S} whole seconds holds a whole number of samples`);
}
