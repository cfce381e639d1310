/**
 * Event scoring on surrogate long recordings: builds surrogates of the Bonn (C/D interictal + E
 * ictal, intracranial) and New Delhi (interictal + ictal, scalp) collections in memory, runs each
 * detector on them, scores SzCORE event- and sample-based with the project's scorer, and prints the
 * README's Markdown table.
 *
 *   npm run eval:seizure-surrogates -- [--seeds 1,2,3] [--hours 4] [--bonn FOLDER] [--delhi FOLDER] [--detectors classical,neural] [--json FILE]
 *
 * Nothing is written unless --json is given (checked like every output path).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UserError } from '../main/errors.js';
import { activateBackend, selectBackend } from '../main/compute/index.js';
import { readSegmentFolder } from '../main/io/segments/index.js';
import { writeFileAtomically } from '../main/io/write-target.js';
import { buildSurrogate, defaultSurrogateSources, scoreDetectorOnSurrogates, surrogateTable, type SurrogateDetector, type SurrogateRowNotRun, type SurrogateScore } from '../main/pipelines/seizure/surrogate.js';
import { defaultModelDir, loadDefaultSeizureModel, readDefaultModelCard } from '../main/pipelines/seizure/neural/index.js';
import { classicalPerChannel, neuralPerChannel, STANDARD_MODE_NOT_APPLICABLE } from '../main/pipelines/seizure/surrogate/detectors.js';
import { heldOutIds, restrictToSegments } from '../main/pipelines/seizure/surrogate/held-out.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA_ROOT = resolve(REPO, '..', 'shared', 'data');
const USAGE = 'usage: npm run eval:seizure-surrogates -- [--seeds 1,2,3] [--hours 4] [--bonn FOLDER] [--delhi FOLDER] [--detectors classical,neural] [--json FILE]';

export const SURROGATE_NOTE =
  'Surrogates: real labelled segments concatenated with 0.5 s cross-fades (Bonn 23.6 s, New Delhi 5.12 s pieces, repeated in shuffled order to fill hours), ' +
  'not continuous recordings: background has no sleep, artefacts or state changes beyond what the segments hold, every seizure starts and ends abruptly at a join, ' +
  'and segments of several patients alternate. False alarms per 24 h therefore measure the detector on interictal segments, not on a day of real EEG.';

function numbers(text: string, field: string): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`${field}: expected whole numbers separated by commas, not "${text}"`);
  return values;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '1,2,3' },
      hours: { type: 'string', default: '4' },
      bonn: { type: 'string' },
      delhi: { type: 'string' },
      detectors: { type: 'string', default: 'classical,neural' },
      json: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const seeds = numbers(values.seeds, '--seeds');
  const hours = Number(values.hours);
  if (!(hours > 0)) throw new Error(`--hours must be a positive number, not "${values.hours}"`);
  const wanted = values.detectors.split(',').map((d) => d.trim());
  for (const d of wanted) if (d !== 'classical' && d !== 'neural') throw new Error(`--detectors: "${d}" is not classical or neural`);

  const detectors: SurrogateDetector[] = [];
  const notRun: SurrogateRowNotRun[] = [];
  if (wanted.includes('classical')) detectors.push(classicalPerChannel());
  if (wanted.includes('neural')) {
    const backend = await selectBackend();
    const tf = await activateBackend(backend.selected);
    detectors.push(neuralPerChannel(await loadDefaultSeizureModel(tf), `neural, per-channel (default model, ${backend.selected})`));
  }
  // The default model's card names the segments held out of its training: surrogates of those
  // alone score it (and, for comparison, the classical detector) on unseen material.
  const cardFile = `${defaultModelDir()}/card.json`;
  const card = readDefaultModelCard();

  const started = performance.now();
  const scores: SurrogateScore[] = [];
  for (const source of defaultSurrogateSources(DATA_ROOT)) {
    const folder = resolve((source.name === 'bonn' ? values.bonn : values.delhi) ?? source.folder);
    const all = readSegmentFolder(folder);
    const title = source.name === 'bonn' ? 'Bonn C/D + E (intracranial)' : 'New Delhi interictal + ictal (scalp)';
    const sets = [
      { name: `${title}, all segments`, collection: all },
      { name: `${title}, held-out segments`, collection: restrictToSegments(all, heldOutIds(card, source.name, cardFile), `the default model's held-out list (${cardFile})`) },
    ];
    for (const set of sets) {
      const recordings = seeds.map((seed) => buildSurrogate(set.collection, { durationS: hours * 3600, seed }));
      for (const detector of detectors) {
        const score = await scoreDetectorOnSurrogates(set.name, recordings, detector);
        scores.push(score);
        console.error(`${set.name} · ${detector.name}: ${score.event.tp}/${score.event.refTrue} seizures, ${score.event.fp} false alarms, ${score.detectionS.toFixed(1)} s`);
      }
    }
    notRun.push({ collection: title, segments: 'any', detector: 'classical or neural, standard mode', reason: STANDARD_MODE_NOT_APPLICABLE });
  }
  const totalS = (performance.now() - started) / 1000;

  console.log(surrogateTable(scores, notRun));
  console.log();
  console.log(
    `Seeds ${seeds.join(', ')} × ${hours} h per collection; SzCORE event scoring (30 s before / 60 s after tolerance, 90 s merge, 300 s split) and sample scoring at 1 Hz, ` +
      `counts summed over the surrogates of a collection. × real time = recording time / detection time (one thread, resampling to 256 Hz included). Total run ${totalS.toFixed(0)} s.`,
  );
  console.log('Standard mode (SzCORE 19-channel average-reference input) needs ≥ 4 referential EEG channels, so it does not apply to one-channel surrogates.');
  console.log(
    'The default neural model was trained on 80 % of each collection\'s segments: on "all segments" surrogates it is scored mostly on its training material; ' +
      '"held-out segments" surrogates use only the 20 % its card lists as held out (Bonn C/D 24 + E 12, New Delhi interictal 10 + ictal 10), repeated more often to fill the hours.',
  );
  console.log(SURROGATE_NOTE);
  console.log();
  if (values.json) {
    const path = writeFileAtomically(values.json, `${JSON.stringify({ seeds, hours, scores, notRun, note: SURROGATE_NOTE }, null, 1)}\n`, {
      overwrite: values.overwrite,
      protectedPaths: [{ path: DATA_ROOT, kind: 'source' }],
      field: '--json',
    });
    console.error(`wrote ${path}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UserError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
