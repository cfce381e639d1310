/**
 * Labelled EEG segments: short single-channel recordings that are each wholly one class, as the
 * literature's seizure collections come (Bonn: 23.6 s at 173.61 Hz; New Delhi: 5.12 s at 200 Hz).
 * The readers (./bonn.ts, ./delhi.ts, ./labels-csv.ts) turn a folder into a SegmentCollection;
 * the project stores it as a dataset that training and evaluation read (main/store/segments.ts).
 */
export type SegmentFormat = 'bonn' | 'delhi' | 'labels-csv';

export interface LabelledSegment {
  /** Unique in its collection, e.g. "E/S001" or "ictal/ictal12". */
  id: string;
  /** Source file, absolute. */
  file: string;
  /** The class: 'ictal' is a seizure; Bonn A/B 'healthy', C/D 'interictal'; New Delhi 'interictal', 'preictal'. */
  label: string;
  /** The collection's own subset: Bonn's set letter A–E, New Delhi's folder; else the label. */
  group: string;
  rateHz: number;
  /** Samples in µV (as the collection documents its unit; see the reader). */
  samples: Float32Array;
}

export interface SegmentCollection {
  format: SegmentFormat;
  /** The folder it was read from, absolute. */
  source: string;
  /** Every label present, sorted. */
  labels: string[];
  segments: LabelledSegment[];
  /** What the reader assumed (unit, rate) that the files do not say. */
  notes: string[];
}

/** The label that means "seizure" in every collection. */
export const ICTAL_LABEL = 'ictal';
