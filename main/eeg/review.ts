/**
 * EEG review for the viewer: pages of traces through a montage and display filters, the
 * whole-recording compressed spectral array, and annotations (read from the file, added in the
 * project, exported). Readers stay open per recording so paging costs only the records it reads.
 */
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import {
  BUILTIN_MONTAGES,
  type Derivation,
  type EegAnnotation,
  type EegOverview,
  type EegPage,
  type FilterSettings,
  type Montage,
} from '../../shared/api/index.js';
import { ConflictError, FileAccessError, NotFoundError, ValidationError } from '../errors.js';
import { EdfReader, type EdfAnnotation } from '../io/edf/index.js';
import { applyDisplayFilter, applyMontage, compressedSpectralArray, normaliseLabel, resolveMontage } from '../signal/index.js';
import type { Store } from '../store/index.js';
import { minMaxDecimate } from './decimate.js';
import { writeAnnotationsEdf, writeBidsEvents } from './export.js';

const MONTAGE_TITLES: Record<(typeof BUILTIN_MONTAGES)[number], string> = {
  referential: 'Referential (as recorded)',
  average: 'Common average',
  'bipolar-longitudinal': 'Bipolar longitudinal (double banana)',
  transverse: 'Bipolar transverse',
};
const USER_MONTAGES_KEY = 'eeg.montages';
const READER_CACHE_SIZE = 8;
const CSA_EPOCH_S = 10;

interface UserMontage {
  title: string;
  derivations: Derivation[];
}

export interface PageRequest {
  recordingId: number;
  startS: number;
  durationS: number;
  montage: string;
  filter: FilterSettings;
  maxPointsPerChannel: number;
}

/** Seconds of signal read before (causal) or around (zero-phase) a page so filters have settled. */
function filterPadS(filter: FilterSettings): number {
  const lowest = Math.min(filter.highpassHz ?? Infinity, filter.notchHz ? filter.notchHz / 10 : Infinity, filter.lowpassHz ?? Infinity);
  if (!Number.isFinite(lowest)) return 0;
  return Math.min(30, Math.max(1, 5 / lowest));
}

export class EegReview {
  private readonly readers = new Map<number, EdfReader>();
  private readonly overviews = new Map<number, Promise<EegOverview>>();

  constructor(private readonly store: Store) {}

  /** The reader of a recording, opened on first use; checks the source has not changed size. */
  reader(recordingId: number): EdfReader {
    const cached = this.readers.get(recordingId);
    if (cached) {
      this.readers.delete(recordingId);
      this.readers.set(recordingId, cached); // most recently used last
      return cached;
    }
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    if (recording.metadata.modality === 'calcium' || recording.metadata.modality === 'morphology') {
      const where = recording.metadata.modality === 'calcium' ? 'calcium imaging, not EEG: open it in the Connectome view' : 'a morphology, not EEG: open it in the Morphology view';
      throw new ValidationError('recordingId', `recording ${recordingId} is ${where}`);
    }
    if (!existsSync(recording.sourcePath)) {
      throw new FileAccessError(recording.sourcePath, 'the source file of this recording is missing (moved or deleted?)');
    }
    if (statSync(recording.sourcePath).size !== recording.sizeBytes) {
      throw new ConflictError(`${recording.sourcePath}: the file changed since it was imported (size differs); import it again`);
    }
    const reader = EdfReader.open(recording.sourcePath);
    this.readers.set(recordingId, reader);
    if (this.readers.size > READER_CACHE_SIZE) {
      const [oldestId, oldest] = this.readers.entries().next().value as [number, EdfReader];
      oldest.close();
      this.readers.delete(oldestId);
    }
    return reader;
  }

  private labels(recordingId: number): string[] {
    return this.reader(recordingId).dataSignals().map((d) => d.signal.label);
  }

  montages(recordingId: number): Montage[] {
    const labels = this.labels(recordingId);
    const builtins: Montage[] = BUILTIN_MONTAGES.map((name) => ({
      name,
      title: MONTAGE_TITLES[name],
      builtin: true,
      derivations: resolveMontage(name, labels),
    }));
    const users = Object.entries(this.userMontages()).map(([name, montage]) => ({
      name,
      title: montage.title || name,
      builtin: false,
      derivations: montage.derivations.filter((d) => labels.includes(d.plus) && (d.minus === null || d.minus === 'avg' || labels.includes(d.minus))),
    }));
    return [...builtins, ...users];
  }

  saveMontage(name: string, title: string, derivations: Derivation[]): Montage {
    if ((BUILTIN_MONTAGES as readonly string[]).includes(name)) throw new ValidationError('name', `"${name}" is a built-in montage; choose another name`);
    const all = this.userMontages();
    all[name] = { title, derivations };
    this.store.settings.set(USER_MONTAGES_KEY, all);
    return { name, title: title || name, builtin: false, derivations };
  }

  private userMontages(): Record<string, UserMontage> {
    return this.store.settings.get<Record<string, UserMontage>>(USER_MONTAGES_KEY) ?? {};
  }

  private derivationsFor(recordingId: number, montageName: string): Derivation[] {
    const montage = this.montages(recordingId).find((m) => m.name === montageName);
    if (!montage) throw new NotFoundError(`montage "${montageName}"`, 'see eeg.montages for the montages of this recording');
    return montage.derivations;
  }

  page(request: PageRequest): EegPage {
    const reader = this.reader(request.recordingId);
    const derivations = this.derivationsFor(request.recordingId, request.montage);
    const signals = reader.dataSignals();
    const labels = signals.map((s) => s.signal.label);
    const pad = filterPadS(request.filter);
    const zeroPhase = request.filter.zeroPhase;
    const readStart = Math.max(0, request.startS - pad);
    const readEnd = request.startS + request.durationS + (zeroPhase ? pad : 0);
    const window = reader.readWindow(readStart, readEnd - readStart, signals.map((s) => s.index));
    const derived = applyMontage(derivations, labels, window.data);
    const channels = derivations.map((derivation, k) => {
      const source = signals[labels.indexOf(derivation.plus)]!;
      const rate = source.sampleRateHz;
      const raw = derived[k]!;
      // Filters cannot cross NaN (gaps): filter with zeros there and blank them again afterwards.
      const gapMask = raw.map((v) => (Number.isNaN(v) ? 1 : 0));
      const filtered = applyDisplayFilter(raw.map((v) => (Number.isNaN(v) ? 0 : v)), rate, request.filter);
      for (let i = 0; i < filtered.length; i++) if (gapMask[i]) filtered[i] = Number.NaN;
      const from = Math.round((request.startS - readStart) * rate);
      const page = filtered.subarray(from, from + Math.round(request.durationS * rate));
      const decimate = page.length > request.maxPointsPerChannel;
      const out = decimate ? minMaxDecimate(page, request.maxPointsPerChannel) : { data: page, bucketSamples: 1 };
      return {
        label: derivation.label,
        unit: source.signal.physicalDimension,
        sampleRateHz: rate,
        data: Array.from(out.data, (v) => (Number.isNaN(v) ? null : v)),
        decimated: decimate,
        bucketSamples: out.bucketSamples,
      };
    });
    const pageEnd = request.startS + request.durationS;
    return {
      recordingId: request.recordingId,
      startS: request.startS,
      durationS: request.durationS,
      montage: request.montage,
      channels,
      recordingDurationS: reader.durationS,
      startDateTime: reader.header.startDateTime,
      gaps: window.gaps
        .map(([a, b]) => [Math.max(a, request.startS), Math.min(b, pageEnd)] as [number, number])
        .filter(([a, b]) => b > a),
    };
  }

  /** Compressed spectral array of the whole recording over its EEG channels, computed once per session. */
  overview(recordingId: number): Promise<EegOverview> {
    let pending = this.overviews.get(recordingId);
    if (!pending) {
      pending = this.computeOverview(recordingId);
      pending.catch(() => this.overviews.delete(recordingId));
      this.overviews.set(recordingId, pending);
    }
    return pending;
  }

  private async computeOverview(recordingId: number): Promise<EegOverview> {
    const reader = this.reader(recordingId);
    const signals = reader.dataSignals();
    const topRate = Math.max(0, ...signals.map((s) => s.sampleRateHz));
    const atTopRate = signals.filter((s) => s.sampleRateHz === topRate);
    const eeg = atTopRate.filter((s) => normaliseLabel(s.signal.label) !== null);
    const used = eeg.length ? eeg : atTopRate;
    const durationS = reader.durationS;
    const epochs = Math.floor(durationS / CSA_EPOCH_S);
    const powerDb: number[][] = [];
    let freqsHz: number[] = [];
    // Chunks of epochs, yielding between them so the API stays responsive on multi-day files.
    const chunkEpochs = 60;
    for (let first = 0; first < epochs && used.length; first += chunkEpochs) {
      const count = Math.min(chunkEpochs, epochs - first);
      const window = reader.readWindow(first * CSA_EPOCH_S, count * CSA_EPOCH_S, used.map((s) => s.index));
      const data = window.data.map((channel) => channel.map((v) => (Number.isNaN(v) ? 0 : v)));
      const csa = compressedSpectralArray(data, topRate, CSA_EPOCH_S);
      freqsHz = csa.freqsHz;
      powerDb.push(...csa.powerDb);
      await new Promise((resolveYield) => setImmediate(resolveYield));
    }
    return { recordingId, epochS: CSA_EPOCH_S, freqsHz, powerDb, recordingDurationS: durationS };
  }

  annotations(recordingId: number): EegAnnotation[] {
    const fromFile: EegAnnotation[] = this.reader(recordingId)
      .annotations()
      .map((a) => ({ id: null, source: 'file', onsetS: a.onsetS, durationS: a.durationS, text: a.text, author: null, createdAt: null }));
    const fromProject: EegAnnotation[] = this.store.annotations.current(recordingId).map((a) => ({
      id: a.id,
      source: 'project',
      onsetS: a.onsetS,
      durationS: a.durationS,
      text: a.label,
      author: a.author,
      createdAt: a.createdAt,
    }));
    return [...fromFile, ...fromProject].sort((a, b) => a.onsetS - b.onsetS);
  }

  addAnnotation(recordingId: number, onsetS: number, durationS: number, text: string): EegAnnotation {
    const reader = this.reader(recordingId);
    if (onsetS > reader.durationS) throw new ValidationError('onsetS', `${onsetS} s is after the end of the recording (${reader.durationS} s)`);
    const added = this.store.annotations.add({ recordingId, onsetS, durationS, label: text.trim(), author: userInfo().username || 'unknown' });
    return { id: added.id, source: 'project', onsetS, durationS, text: added.label, author: added.author, createdAt: added.createdAt };
  }

  exportAnnotations(recordingId: number, format: 'edf+' | 'bids-events', path: string): { path: string; count: number } {
    const target = resolve(path);
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    if (this.store.recordings.list().some((r) => resolve(r.sourcePath) === target)) {
      throw new ValidationError('path', `${target} is a source recording; Cajal never overwrites sources`);
    }
    if (!existsSync(dirname(target))) throw new FileAccessError(dirname(target), 'no such folder');
    const annotations: EdfAnnotation[] = this.annotations(recordingId).map(({ onsetS, durationS, text }) => ({ onsetS, durationS, text }));
    if (format === 'edf+') writeAnnotationsEdf(target, annotations, recording.metadata.startDateTime, recording.metadata.patient);
    else writeBidsEvents(target, annotations);
    return { path: target, count: annotations.length };
  }

  close(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }
}
