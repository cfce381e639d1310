/**
 * Kilosort / Phy output folders: `spike_times.npy` (one sample index per spike, uint64),
 * `spike_clusters.npy` (the cluster of each spike after curation; `spike_templates.npy`, the
 * template, when Phy never ran), `params.py` (`sample_rate = 30000.0`: samples → seconds), and the
 * cluster labels `cluster_group.tsv` (the curator's `group`) or else `cluster_KSLabel.tsv`
 * (Kilosort's own `KSLabel`), tab-separated with a header row. Units are the clusters that have
 * spikes, in ascending id order; labels become the unit's cell type (`good`, `mua`, `noise`).
 */
import { readFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, fileAccessError } from '../../errors.js';
import { npyToFloat64, readNpy } from '../npy.js';
import { describeTypes } from './cell-types.js';
import { listSome } from './trains.js';
import { makeSpikeTrains } from './trains.js';
import type { ReadSpikes } from './types.js';

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** True for a folder with spike_times.npy and spike_clusters.npy (or spike_templates.npy). */
export function isKilosortFolder(folder: string): boolean {
  return isFile(join(folder, 'spike_times.npy')) && (isFile(join(folder, 'spike_clusters.npy')) || isFile(join(folder, 'spike_templates.npy')));
}

/** `sample_rate` from params.py (a Python file of `name = value` lines; only read, never run). */
export async function readSampleRate(file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  const match = /^\s*sample_rate\s*=\s*([^#\n]+)/m.exec(text);
  if (!match) throw new FormatError(file, 'no "sample_rate = <Hz>" line; spike times in samples cannot be turned into seconds', 'sample_rate');
  const rate = Number(match[1]!.trim().replace(/^float\((.*)\)$/, '$1'));
  if (!(Number.isFinite(rate) && rate > 0)) throw new FormatError(file, `sample_rate "${match[1]!.trim()}" is not a positive number of Hz`, 'sample_rate');
  return rate;
}

/** A cluster label table: id → label from the column `column` (header row first). */
export async function readClusterLabels(file: string, columns: readonly string[]): Promise<Map<number, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileAccessError(file, error);
  }
  const lines = text.split(/\r\n|\n|\r/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim());
  const idColumn = header.findIndex((h) => h === 'cluster_id' || h === 'id');
  const labelColumn = header.findIndex((h) => columns.includes(h));
  if (idColumn < 0 || labelColumn < 0) throw new FormatError(file, `expected a tab-separated header with cluster_id and ${columns.join(' or ')}, found "${lines[0] ?? ''}"`, 'header');
  const labels = new Map<number, string>();
  lines.slice(1).forEach((line, i) => {
    const fields = line.split('\t');
    const id = Number(fields[idColumn]);
    if (!Number.isInteger(id)) throw new FormatError(file, `cluster id "${fields[idColumn] ?? ''}" is not an integer`, `line ${i + 2}`);
    labels.set(id, (fields[labelColumn] ?? '').trim());
  });
  return labels;
}

function vector(file: string, shape: number[]): number {
  if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) return shape[0]!;
  throw new FormatError(file, `expected one value per spike (n or n × 1), found shape (${shape.join(', ')})`, 'shape');
}

export async function readKilosort(folder: string): Promise<ReadSpikes> {
  const timesFile = join(folder, 'spike_times.npy');
  const clustersFile = isFile(join(folder, 'spike_clusters.npy')) ? join(folder, 'spike_clusters.npy') : join(folder, 'spike_templates.npy');
  const paramsFile = join(folder, 'params.py');
  if (!isFile(paramsFile)) throw new FormatError(folder, 'no params.py: the sample rate (sample_rate) is needed to turn spike samples into seconds', 'params.py');
  const rate = await readSampleRate(paramsFile);
  const samples = await readNpy(timesFile);
  const clusters = await readNpy(clustersFile);
  const n = vector(timesFile, samples.shape);
  const m = vector(clustersFile, clusters.shape);
  if (n !== m) throw new FormatError(clustersFile, `${m} cluster ids for the ${n} spikes of spike_times.npy`, 'shape');
  const t = npyToFloat64(samples);
  const c = npyToFloat64(clusters);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const sample = t[i]!;
    if (!Number.isFinite(sample) || sample < 0) throw new FormatError(timesFile, `spike ${i} is at sample ${sample}; samples must be non-negative`, `spike_times[${i}]`);
    const id = c[i]!;
    if (!Number.isInteger(id) || id < 0) throw new FormatError(clustersFile, `spike ${i} has cluster id ${id}; ids must be non-negative integers`, `spike_clusters[${i}]`);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const ids = [...counts.keys()].sort((a, b) => a - b);
  const row = new Map(ids.map((id, u) => [id, u]));
  const times = ids.map((id) => new Float64Array(counts.get(id)!));
  const filled = new Int32Array(ids.length);
  for (let i = 0; i < n; i++) {
    const u = row.get(c[i]!)!;
    times[u]![filled[u]!++] = t[i]! / rate;
  }
  const warnings: string[] = [];
  const notes = [`Kilosort/Phy: ${n} spikes at ${rate} Hz, ${ids.length} clusters from ${clustersFile.endsWith('spike_clusters.npy') ? 'spike_clusters.npy' : 'spike_templates.npy (no spike_clusters.npy: uncurated)'}`];
  let cellTypes: (string | null)[] | undefined;
  for (const [name, columns] of [
    ['cluster_group.tsv', ['group', 'KSLabel']],
    ['cluster_KSLabel.tsv', ['KSLabel']],
    ['cluster_info.tsv', ['group', 'KSLabel']],
  ] as const) {
    const file = join(folder, name);
    if (!isFile(file)) continue;
    const labels = await readClusterLabels(file, columns);
    cellTypes = ids.map((id) => labels.get(id) || null);
    const missing = ids.filter((id) => !labels.has(id));
    if (missing.length) warnings.push(`${name}: no label for ${missing.length} cluster${missing.length === 1 ? '' : 's'} (${listSome(missing.map(String))})`);
    notes.push(`labels from ${name} (${describeTypes(cellTypes)})`);
    break;
  }
  return makeSpikeTrains({
    source: folder,
    file: timesFile,
    format: 'kilosort',
    times,
    unitIds: ids.map(String),
    ...(cellTypes ? { cellTypes } : {}),
    warnings,
    description: notes.join('; '),
    field: 'spike_times.npy',
  });
}
