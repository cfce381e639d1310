/**
 * `cajal morphology stats <file.swc>... [--scale UM_PER_UNIT] [--sholl R,R,...] [--out stats.csv]`:
 * reads and validates each SWC file and prints its NeuroM-definition morphometrics, one table per
 * file (a column per neurite type present, plus all); warnings go to stderr; --out writes the CSV.
 */
import { ValidationError } from '../../errors.js';
import { checkWriteTarget, writeFileAtomically, type WriteTargetOptions } from '../../io/write-target.js';
import { readSwc } from '../../io/swc/index.js';
import {
  computeMorphometrics,
  morphometricsCsv,
  NEURITE_TYPES,
  type MorphologyMetrics,
  type NeuriteMetrics,
  type NeuriteTypeName,
  type Summary,
} from '../../pipelines/morphology/index.js';
import { table } from '../../console/format.js';
import { isJson, report } from '../../console/output.js';
import { defineCommand, type CliContext } from '../types.js';
import { MorphologyView } from './view.js';

export interface MorphFlags {
  scale?: string;
  sholl?: string;
  out?: string;
  /** --out may replace an existing file. */
  overwrite?: boolean;
}

function positiveNumber(flag: string, value: string): number {
  const parsed = Number(value);
  if (!value.trim() || !Number.isFinite(parsed) || parsed <= 0) throw new ValidationError(flag, `expected a positive number, got "${value}"`);
  return parsed;
}

/** `10,50,100` → [10, 50, 100]. */
export function parseRadii(value: string): number[] {
  return value.split(',').map((part) => positiveNumber('--sholl', part.trim()));
}

function fmt(value: number | null, digits = 2): string {
  if (value === null) return '–';
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(digits);
}

const TYPE_LABEL: Record<NeuriteTypeName, string> = { all: 'all', axon: 'axon', basal_dendrite: 'basal', apical_dendrite: 'apical' };

export function metricsTable(m: MorphologyMetrics): string {
  const types = (Object.keys(NEURITE_TYPES) as NeuriteTypeName[]).filter((t) => t === 'all' || m.byType[t].numberOfNeurites > 0);
  const unit = m.unit === 'µm' ? 'µm' : 'unit';
  const row = (label: string, get: (t: NeuriteMetrics) => string): string[] => [label, ...types.map((t) => get(m.byType[t]))];
  const mm = (s: Summary): string => `${fmt(s.mean)} / ${fmt(s.max)}`;
  const rows: string[][] = [
    row('neurites', (t) => fmt(t.numberOfNeurites)),
    row('sections', (t) => fmt(t.numberOfSections)),
    row('bifurcations', (t) => fmt(t.numberOfBifurcations)),
    row('tips (leaves)', (t) => fmt(t.numberOfLeaves)),
    row(`total length (${unit})`, (t) => fmt(t.totalLength)),
    row(`total surface (${unit}²)`, (t) => fmt(t.totalArea)),
    row(`total volume (${unit}³)`, (t) => fmt(t.totalVolume)),
    row('section length mean / max', (t) => mm(t.sectionLengths)),
    row('tip path distance mean / max', (t) => mm(t.terminalPathLengths)),
    row('branch order mean / max', (t) => mm(t.sectionBranchOrders)),
    row('Strahler order max', (t) => fmt(t.sectionStrahlerOrders.max)),
    row('partition asymmetry mean', (t) => fmt(t.partitionAsymmetry.mean, 3)),
    row('bounding box x', (t) => (t.boundingBox ? `${fmt(t.boundingBox.min[0])} … ${fmt(t.boundingBox.max[0])}` : '–')),
    row('bounding box y', (t) => (t.boundingBox ? `${fmt(t.boundingBox.min[1])} … ${fmt(t.boundingBox.max[1])}` : '–')),
    row('bounding box z', (t) => (t.boundingBox ? `${fmt(t.boundingBox.min[2])} … ${fmt(t.boundingBox.max[2])}` : '–')),
    ...m.shollRadii.map((r, k) => row(`Sholl crossings r=${fmt(r)}`, (t) => fmt(t.shollCrossings[k] ?? null))),
  ];
  return table(['metric', ...types.map((t) => TYPE_LABEL[t])], rows);
}

/**
 * `cajal morphology scale <project> <recording-id> <um-per-unit|reset>`: stores the scale of an imported
 * morphology with its recording (the viewer and the API use it; the source file is not changed).
 */
async function morphScale(args: string[], cli: CliContext): Promise<number> {
  const { io } = cli;
  const [projectPath, idArg, value] = args;
  if (!projectPath || !idArg || !value) throw new ValidationError('morphology scale', 'usage: cajal morphology scale <project> <recording-id> <um-per-unit|reset>');
  const recordingId = Number(idArg);
  if (!Number.isInteger(recordingId) || recordingId < 1) throw new ValidationError('recording-id', `expected a recording id (see cajal ls), got "${idArg}"`);
  const umPerUnit = value === 'reset' ? null : positiveNumber('um-per-unit', value);
  return cli.withProject(projectPath, { create: false }, (project) => {
    const summary = new MorphologyView(project.store).setScale(recordingId, umPerUnit);
    report(io, { recordingId, name: summary.name, scaleUmPerUnit: summary.scaleUmPerUnit }, (v) => io.out(`${v.name}: ${v.scaleUmPerUnit} µm per unit`));
    return 0;
  });
}

export async function morph(args: string[], flags: MorphFlags, cli: CliContext): Promise<number> {
  const { io } = cli;
  const [sub, ...files] = args;
  if (sub === 'scale') return morphScale(files, cli);
  if (sub !== 'stats') throw new ValidationError('morphology', `unknown morphology command "${sub ?? ''}" (expected stats or scale)`);
  if (!files.length) throw new ValidationError('file', 'missing <file.swc> (see cajal --help)');
  const scale = flags.scale === undefined ? undefined : positiveNumber('--scale', flags.scale);
  const shollRadii = flags.sholl === undefined ? undefined : parseRadii(flags.sholl);
  // Checked before any work: never one of the SWC inputs, an existing file only with --overwrite.
  const out: WriteTargetOptions = { overwrite: flags.overwrite ?? false, field: '--out', protectedPaths: files.map((path) => ({ path, kind: 'input' })) };
  if (flags.out) checkWriteTarget(flags.out, out);
  const all: MorphologyMetrics[] = [];
  const results: { file: string; samples: number; trees: number; scaleUmPerUnit: number | null; metrics: MorphologyMetrics }[] = [];
  for (const file of files) {
    const morphology = await readSwc(file, scale === undefined ? {} : { scaleUmPerUnit: scale });
    const metrics = computeMorphometrics(morphology, shollRadii ? { shollRadii } : {});
    all.push(metrics);
    results.push({ file, samples: morphology.count, trees: morphology.trees.length, scaleUmPerUnit: scale ?? null, metrics });
    // Text mode prints each file as it is measured, its warnings after it.
    if (!isJson(io)) {
      if (all.length > 1) io.out('');
      io.out(`${file}: ${morphology.count} samples, ${morphology.trees.length} tree${morphology.trees.length === 1 ? '' : 's'}, ` +
        `coordinates ${scale === undefined ? 'as given' : `scaled by ${scale} µm/unit`}`);
      io.out(`soma: ${metrics.soma.kind.replace(/_/g, ' ')}, radius ${fmt(metrics.soma.radius)}, surface ${fmt(metrics.soma.surfaceArea)}`);
      io.out(metricsTable(metrics));
    }
    for (const warning of metrics.warnings) io.err(`cajal: warning: ${file}: ${warning}`);
  }
  if (flags.out) writeFileAtomically(flags.out, morphometricsCsv(all), out);
  report(io, { files: results, out: flags.out ?? null }, () => {});
  if (flags.out) io.out(`wrote ${flags.out}`);
  return 0;
}

export const morphologyCommand = defineCommand({
  verb: 'morphology',
  // Its name until 0.x; accepted, with a note, for one more release.
  aliases: ['morph'],
  options: {
    scale: { type: 'string' },
    sholl: { type: 'string' },
    out: { type: 'string' },
    overwrite: { type: 'boolean' },
  },
  run: morph,
  usage: [
    {
      verb: 'morphology',
      sub: 'stats',
      synopsis: ['morphology stats <file.swc>... [--scale UM_PER_UNIT] [--sholl R,R,...] [--out stats.csv] [--overwrite]'],
      description: [
        'validate SWC morphologies and print NeuroM-definition',
        'morphometrics per neurite type (coordinates as given unless',
        '--scale, e.g. 0.008 for hemibrain voxels; Sholl radii default',
        'every 50 units); --out writes them as CSV',
      ],
      json: true,
    },
    {
      verb: 'morphology',
      sub: 'scale',
      synopsis: ['morphology scale <project> <recording-id> <um-per-unit|reset>'],
      description: ['store the scale of an imported morphology (e.g. 0.008)'],
      json: true,
    },
  ],
});
