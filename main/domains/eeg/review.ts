/**
 * EEG review for the viewer: pages of traces through a montage and display filters, the
 * whole-recording compressed spectral array, and annotations (read from the file, added in the
 * project, edited and deleted as superseding rows, exported). Readers stay open per recording so paging costs only the records it reads.
 * Every page is bounded (page-budget.ts) and computed in slices that yield to the event loop, heavy
 * ones one at a time (cooperative.ts), so one client's request cannot stall the others.
 */
import { existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import {
  BUILTIN_MONTAGES,
  type Derivation,
  type EegAnnotation,
  type EegOverview,
  type EegPage,
  type Montage,
} from '../../../shared/api/index.js';
import { ConflictError, FileAccessError, NotFoundError, ValidationError } from '../../errors.js';
import { EdfReader, type EdfAnnotation } from '../../io/edf/index.js';
import { compressedSpectralArray, resolveMontage } from '../../signal/index.js';
import { csaChannels } from './csa-channels.js';
import type { Store } from '../../store/index.js';
import type { Annotation, NewAnnotation } from '../../store/index.js';
import { InteractiveActivity, Slicer, WorkQueue } from '../../scheduling/cooperative.js';
import { computePage } from './page.js';
import { HEAVY_PAGE_SAMPLES, HEAVY_PAGES_WAITING_MAX, planPage, READ_CHUNK_SAMPLES, type PageRequest } from './page-budget.js';
import { checkWriteTarget } from '../../io/write-target.js';
import { protectedPaths } from '../../store/protected-paths.js';
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
/**
 * Columns of the overview at most (12 h of 10 s epochs): longer recordings get longer epochs, so
 * the reply stays ~260 k numbers (~50 ms of JSON) however long the file; the strip is narrower.
 */
const CSA_MAX_EPOCHS = 4320;

interface UserMontage {
  title: string;
  derivations: Derivation[];
}

export type { PageRequest } from './page-budget.js';

export class EegReview {
  private readonly readers = new Map<number, EdfReader>();
  private readonly overviews = new Map<number, Promise<EegOverview>>();
  /** Readers a page or overview is using across yields: never closed by the cache meanwhile. */
  private readonly readersInUse = new Map<number, number>();
  /** Heavy pages run one at a time (each may hold up to GROUP_SAMPLES); normal pages do not wait. */
  private readonly heavyPages = new WorkQueue(1);
  /** Overviews (a pass over a whole file) also take turns, beside heavy pages. */
  private readonly overviewWork = new WorkQueue(1);
  /** Normal pages being served: heavy pages and overviews give way to them. */
  private readonly interactive = new InteractiveActivity();

  constructor(
    private readonly store: Store,
    /** Who signs annotations (the machine's user name, see main/config). */
    private readonly reviewer: () => string = () => userInfo().username || 'unknown',
  ) {}

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
    this.evictReaders();
    return reader;
  }

  /** Closes the least recently used readers beyond the cache size, except those in use. */
  private evictReaders(): void {
    for (const [id, reader] of this.readers) {
      if (this.readers.size <= READER_CACHE_SIZE) return;
      if (this.readersInUse.has(id)) continue;
      reader.close();
      this.readers.delete(id);
    }
  }

  /** Runs `use` with the recording's reader, kept open until it settles (it may yield meanwhile). */
  private async withReader<T>(recordingId: number, use: (reader: EdfReader) => Promise<T>): Promise<T> {
    const reader = this.reader(recordingId);
    this.readersInUse.set(recordingId, (this.readersInUse.get(recordingId) ?? 0) + 1);
    try {
      return await use(reader);
    } finally {
      const count = (this.readersInUse.get(recordingId) ?? 1) - 1;
      if (count > 0) this.readersInUse.set(recordingId, count);
      else this.readersInUse.delete(recordingId);
      this.evictReaders();
    }
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

  /**
   * One page of traces through a montage and the display filters. Refused (ValidationError) beyond
   * the page budget; a heavy page waits for the heavy pages before it, and every page yields to the
   * event loop between slices of work.
   */
  async page(request: PageRequest): Promise<EegPage> {
    return this.withReader(request.recordingId, async (reader) => {
      const derivations = this.derivationsFor(request.recordingId, request.montage);
      const signals = reader.dataSignals().map((s) => ({ index: s.index, label: s.signal.label, unit: s.signal.physicalDimension, sampleRateHz: s.sampleRateHz }));
      const plan = planPage(request, derivations, signals, reader.header.dataRecordDurationS);
      if (plan.readSamples <= HEAVY_PAGE_SAMPLES) {
        this.interactive.touch();
        return computePage(reader, plan, request, new Slicer()).finally(() => this.interactive.touch());
      }
      if (this.heavyPages.pending >= HEAVY_PAGES_WAITING_MAX) {
        throw new ConflictError(`${this.heavyPages.pending} long pages are already waiting to be computed; ask again when they are done (or ask for shorter pages)`);
      }
      return this.heavyPages.run(() => computePage(reader, plan, request, new Slicer(this.interactive.restRatio)));
    });
  }

  /** Compressed spectral array of the whole recording over its EEG channels, computed once per session. */
  overview(recordingId: number): Promise<EegOverview> {
    let pending = this.overviews.get(recordingId);
    if (!pending) {
      pending = this.overviewWork.run(() => this.withReader(recordingId, (reader) => this.computeOverview(recordingId, reader)));
      pending.catch(() => this.overviews.delete(recordingId));
      this.overviews.set(recordingId, pending);
    }
    return pending;
  }

  private async computeOverview(recordingId: number, reader: EdfReader): Promise<EegOverview> {
    const signals = reader.dataSignals().map((s) => ({ index: s.index, label: s.signal.label, unit: s.signal.physicalDimension, sampleRateHz: s.sampleRateHz }));
    const { channels: used, sampleRateHz: topRate } = csaChannels(signals);
    const durationS = reader.durationS;
    const epochS = CSA_EPOCH_S * Math.max(1, Math.ceil(durationS / CSA_EPOCH_S / CSA_MAX_EPOCHS));
    const epochs = Math.floor(durationS / epochS);
    const powerDb: number[][] = [];
    let freqsHz: number[] = [];
    // Chunks of epochs of about READ_CHUNK_SAMPLES, in slices that yield to the event loop, so the
    // API stays responsive whatever the file's duration, channel count and rate.
    const chunkEpochs = Math.max(1, Math.floor(READ_CHUNK_SAMPLES / Math.max(1, epochS * topRate * used.length)));
    const slicer = new Slicer(this.interactive.restRatio);
    for (let first = 0; first < epochs && used.length; first += chunkEpochs) {
      const count = Math.min(chunkEpochs, epochs - first);
      const window = reader.readWindow(first * epochS, count * epochS, used.map((s) => s.index));
      for (const channel of window.data) for (let i = 0; i < channel.length; i++) if (Number.isNaN(channel[i]!)) channel[i] = 0;
      const csa = compressedSpectralArray(window.data, topRate, epochS);
      freqsHz = csa.freqsHz;
      powerDb.push(...csa.powerDb);
      await slicer.checkpoint();
    }
    return { recordingId, epochS, freqsHz, powerDb, recordingDurationS: durationS };
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
    this.checkOnset(recordingId, onsetS);
    const added = this.store.annotations.add({ recordingId, onsetS, durationS, label: text.trim(), author: this.reviewer() });
    return { id: added.id, source: 'project', onsetS, durationS, text: added.label, author: added.author, createdAt: added.createdAt };
  }

  /**
   * Changes a project annotation: a new row, signed by this machine's reviewer, that supersedes it
   * (the old row stays in the audit trail). Only the latest row of a chain can be edited, so an
   * edit made from a stale list is refused rather than silently forking the history.
   */
  editAnnotation(annotationId: number, changes: { onsetS?: number; durationS?: number; text?: string }): EegAnnotation {
    const latest = this.latestAnnotation(annotationId);
    if (latest.retracted) throw new ConflictError(`annotation ${annotationId} was deleted; restore it before editing`);
    const onsetS = changes.onsetS ?? latest.onsetS;
    this.checkOnset(latest.recordingId, onsetS);
    const text = changes.text === undefined ? latest.label : changes.text.trim();
    if (!text) throw new ValidationError('text', 'must not be empty');
    return this.supersede(latest, { onsetS, durationS: changes.durationS ?? latest.durationS, label: text, retracted: false });
  }

  /** Deletes a project annotation: a new retracted row supersedes it (nothing is erased). */
  deleteAnnotation(annotationId: number): { annotationId: number } {
    const latest = this.latestAnnotation(annotationId);
    if (latest.retracted) throw new ConflictError(`annotation ${annotationId} is already deleted`);
    const retraction = this.store.annotations.add({ ...this.copyOf(latest), supersedesId: latest.id, retracted: true });
    return { annotationId: retraction.id };
  }

  /** Brings back a deleted annotation (undo of a delete): a new live row superseding the retraction. */
  restoreAnnotation(annotationId: number): EegAnnotation {
    const latest = this.latestAnnotation(annotationId);
    if (!latest.retracted) throw new ConflictError(`annotation ${annotationId} is not deleted`);
    return this.supersede(latest, { onsetS: latest.onsetS, durationS: latest.durationS, label: latest.label, retracted: false });
  }

  /** A project row that no later row supersedes; otherwise a conflict naming the row that does. */
  private latestAnnotation(annotationId: number): Annotation {
    const row = this.store.annotations.get(annotationId);
    if (!row) throw new NotFoundError(`annotation ${annotationId}`, 'annotations read from the file cannot be changed; only those added in the project');
    const newer = this.store.annotations.supersededBy(annotationId);
    if (newer) throw new ConflictError(`annotation ${annotationId} was already changed (by ${newer.author}, row ${newer.id}); reload the annotations`);
    return row;
  }

  private supersede(latest: Annotation, values: { onsetS: number; durationS: number; label: string; retracted: boolean }): EegAnnotation {
    const added = this.store.annotations.add({ ...this.copyOf(latest), ...values, supersedesId: latest.id });
    return { id: added.id, source: 'project', onsetS: added.onsetS, durationS: added.durationS, text: added.label, author: added.author, createdAt: added.createdAt };
  }

  private copyOf(row: Annotation): NewAnnotation {
    return { recordingId: row.recordingId, onsetS: row.onsetS, durationS: row.durationS, label: row.label, channels: row.channels, author: this.reviewer() };
  }

  private checkOnset(recordingId: number, onsetS: number): void {
    const reader = this.reader(recordingId);
    if (onsetS > reader.durationS) throw new ValidationError('onsetS', `${onsetS} s is after the end of the recording (${reader.durationS} s)`);
  }

  /**
   * Writes the annotations to a path the user typed (absolute): never over the project or a
   * source, over an existing file only with `overwrite` (io/write-target).
   */
  exportAnnotations(recordingId: number, format: 'edf+' | 'bids-events', path: string, options: { overwrite?: boolean } = {}): { path: string; count: number } {
    const recording = this.store.recordings.get(recordingId);
    if (!recording) throw new NotFoundError(`recording ${recordingId}`);
    const target = { overwrite: options.overwrite ?? false, requireAbsolute: true, protectedPaths: protectedPaths(this.store) };
    checkWriteTarget(path, target); // refuse before reading the recording's annotations
    const annotations: EdfAnnotation[] = this.annotations(recordingId).map(({ onsetS, durationS, text }) => ({ onsetS, durationS, text }));
    const written = format === 'edf+'
      ? writeAnnotationsEdf(path, annotations, recording.metadata.startDateTime, recording.metadata.patient, target)
      : writeBidsEvents(path, annotations, target);
    return { path: written, count: annotations.length };
  }

  close(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }
}
