/**
 * `cajal seizure segments import|list|delete`: the project's labelled-segment datasets (#22).
 *
 *   segments import <project> <folder> [--format bonn|delhi|labels-csv] [--name N]
 *     reads the folder (layout told from its contents unless --format says) and stores every
 *     segment with its label in the project, in one transaction; the name defaults to the folder's.
 *   segments list <project>      the datasets, segments per label, duration and rates.
 *   segments delete <project> <dataset-id>
 *
 * The folder is read before anything is written, so a bad file leaves the project unchanged and
 * the error names the file and line (main/io/segments).
 */
import { basename } from 'node:path';
import { ValidationError } from '../../errors.js';
import { formatDuration, table } from '../../console/format.js';
import { report } from '../../console/output.js';
import { isSegmentFormat, readSegmentFolder, SEGMENT_FORMATS, type SegmentFormat } from '../../io/segments/index.js';
import type { SegmentDatasetSummary } from '../../store/index.js';
import type { CliContext } from '../types.js';

export interface SegmentsImportOptions {
  format?: string;
  name?: string;
}

function segmentFormat(value: string | undefined): SegmentFormat | undefined {
  if (value === undefined) return undefined;
  if (!isSegmentFormat(value)) throw new ValidationError('--format', `expected one of ${SEGMENT_FORMATS.join(', ')}, got "${value}"`);
  return value;
}

function countsText(dataset: SegmentDatasetSummary): string {
  return Object.entries(dataset.counts)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
}

function ratesText(dataset: SegmentDatasetSummary): string {
  return dataset.ratesHz.map((r) => `${r} Hz`).join(', ');
}

export async function segmentsImport(projectPath: string, folder: string, options: SegmentsImportOptions, cli: CliContext): Promise<number> {
  const { io } = cli;
  const format = segmentFormat(options.format);
  const name = options.name ?? basename(folder.replace(/[\\/]+$/, ''));
  return cli.withProject(projectPath, { create: false }, ({ store }) => {
    const collection = readSegmentFolder(folder, format);
    const id = store.segments.importDataset(name, collection);
    const dataset = store.segments.summaryOf(id)!;
    report(io, dataset, (d) => {
      io.out(`imported segment dataset #${d.id} "${d.name}" (${d.format}) from ${d.sourcePath}`);
      io.out(`${d.segmentCount} segments, ${formatDuration(d.durationS)}, ${ratesText(d)}: ${countsText(d)}`);
      for (const note of d.notes) io.out(`note: ${note}`);
    });
    return 0;
  });
}

export async function segmentsList(projectPath: string, cli: CliContext): Promise<number> {
  const { io } = cli;
  return cli.withProject(projectPath, { create: false }, ({ store }) => {
    report(io, { datasets: store.segments.list() }, ({ datasets }) => {
      if (!datasets.length) {
        io.out('no segment datasets (add one with `cajal seizure segments import`)');
        return;
      }
      io.out(
        table(
          ['id', 'name', 'format', 'segments', 'per label', 'duration', 'rate', 'source'],
          datasets.map((d) => [d.id, d.name, d.format, d.segmentCount, countsText(d), formatDuration(d.durationS), ratesText(d), d.sourcePath]),
        ),
      );
    });
    return 0;
  });
}

export async function segmentsDelete(projectPath: string, idArg: string, cli: CliContext): Promise<number> {
  const { io } = cli;
  const id = Number(idArg);
  if (!Number.isInteger(id) || id <= 0) throw new ValidationError('dataset-id', `expected a segment dataset id (see \`cajal seizure segments list\`), got "${idArg}"`);
  return cli.withProject(projectPath, { create: false }, ({ store }) => {
    const deleted = store.segments.delete(id);
    report(io, deleted, (d) => io.out(`deleted segment dataset #${d.id} "${d.name}" (${d.segmentCount} segments; ${d.sourcePath} is untouched)`));
    return 0;
  });
}

/** `cajal seizure segments <sub> …`: `args` are the words after `segments`. */
export async function seizureSegments(args: string[], options: SegmentsImportOptions, cli: CliContext): Promise<number> {
  const [sub, ...rest] = args;
  const need = (index: number, name: string) => {
    const value = rest[index];
    if (value === undefined) throw new ValidationError(name, `missing <${name}> (see cajal --help)`);
    return value;
  };
  switch (sub) {
    case 'import':
      return segmentsImport(need(0, 'project'), need(1, 'folder'), options, cli);
    case 'list':
      return segmentsList(need(0, 'project'), cli);
    case 'delete':
      return segmentsDelete(need(0, 'project'), need(1, 'dataset-id'), cli);
    default:
      throw new ValidationError('seizure segments', `unknown segments command "${sub ?? ''}" (expected import, list or delete)`);
  }
}
