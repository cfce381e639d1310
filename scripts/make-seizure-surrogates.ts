/**
 * Writes surrogate long recordings (EDF+ with seizure annotations, SzCORE events TSV, layout JSON)
 * from the Bonn and New Delhi segment collections into a folder you choose:
 *
 *   npm run make:seizure-surrogates -- --out DIR [--hours 4] [--seed 1] [--bonn FOLDER] [--delhi FOLDER] [--overwrite]
 *
 * They are surrogates: real segments concatenated with 0.5 s cross-fades, not continuous
 * recordings (see main/pipelines/seizure/surrogate/build.ts). DIR may not be inside ../shared/data.
 */
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../main/errors.js';
import { defaultSurrogateSources, makeSurrogates, type SurrogateSource } from '../main/pipelines/seizure/surrogate/make.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_ROOT = resolve(REPO, '..', 'shared', 'data');

const USAGE = 'usage: npm run make:seizure-surrogates -- --out DIR [--hours H (4)] [--seed S (1)] [--bonn FOLDER] [--delhi FOLDER] [--only bonn|delhi] [--overwrite]';

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      hours: { type: 'string', default: '4' },
      seed: { type: 'string', default: '1' },
      bonn: { type: 'string' },
      delhi: { type: 'string' },
      only: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) throw new Error(`--out is required\n${USAGE}`);
  const defaults = defaultSurrogateSources(DATA_ROOT);
  let sources: SurrogateSource[] = defaults.map((s) => ({ ...s, folder: resolve((s.name === 'bonn' ? values.bonn : values.delhi) ?? s.folder) }));
  if (values.only) {
    sources = sources.filter((s) => s.name === values.only);
    if (sources.length === 0) throw new Error(`--only must be bonn or delhi, not "${values.only}"`);
  }
  const made = makeSurrogates({
    sources,
    out: values.out,
    hours: Number(values.hours),
    seed: Number(values.seed),
    overwrite: values.overwrite,
    forbidden: [DATA_ROOT],
  });
  for (const { name, files, recording } of made) {
    const seizureS = recording.seizures.reduce((n, s) => n + s.offsetS - s.onsetS, 0);
    console.log(
      `${name}: ${(recording.durationS / 3600).toFixed(2)} h at ${recording.rateHz} Hz, ${recording.seizures.length} seizures (${seizureS.toFixed(0)} s), ` +
        `${recording.pieces.length} segments placed from ${recording.source.backgroundSegments} background + ${recording.source.seizureSegments} ictal\n  ${files.edf}\n  ${files.events}\n  ${files.layout}`,
    );
  }
  console.log('These are surrogates: real segments concatenated with 0.5 s cross-fades, not continuous recordings.');
}

try {
  main();
} catch (error) {
  console.error(error instanceof UserError || error instanceof Error ? error.message : String(error));
  process.exit(1);
}
