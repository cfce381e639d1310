/**
 * `cajal` usage, one entry per verb (and subcommand), so `cajal --help` prints them all and
 * `cajal <verb> [sub] --help` or `cajal help <verb> [sub]` prints only that verb's.
 */

import { domainCommands, type VerbUsage } from '../domains/index.js';

export type { VerbUsage } from '../domains/index.js';

/** A verb's current name, for a former one (`morph` → `morphology`); other names as they are. */
export function canonicalVerb(verb: string): string {
  return domainCommands().find((command) => command.aliases?.includes(verb))?.verb ?? verb;
}

export const VERBS: readonly VerbUsage[] = [
  { verb: 'init', synopsis: ['init <project.cajal>'], description: ['create a project file'], json: true },
  {
    verb: 'import',
    synopsis: ['import <project> <file>...'],
    description: [
      'add recordings by path; sources are never copied: EDF, EDF+, BDF,',
      'BDF+, calcium imaging (Suite2p plane folders, NWB, HDF5, CSV),',
      'SWC morphologies',
    ],
    json: true,
  },
  { verb: 'ls', synopsis: ['ls <project>'], description: ["list the project's recordings: kind, format, contents, size"], json: true },
  {
    verb: 'rm',
    synopsis: ['rm <project> <recording-id>'],
    description: ['remove a recording from the project (refused while a run reads it);', 'its file is untouched, its annotations and runs are kept'],
    json: true,
  },
  {
    verb: 'run',
    synopsis: ['run <project> <pipeline> [recording-id] [--param key=value]...'],
    description: ['run a pipeline and wait (Ctrl-C cancels); see cajal pipelines'],
    json: true,
  },
  { verb: 'runs', synopsis: ['runs <project>'], description: ['list runs with status, progress, timings, errors and models'], json: true },
  { verb: 'pipelines', synopsis: ['pipelines'], description: ['list the pipelines `cajal run` takes: name, input, title'], json: true },
  {
    verb: 'serve',
    synopsis: ['serve <project> [--port N]'],
    description: ['serve the UI and API on 127.0.0.1 with a per-launch token', '(--json: {project, url} once it listens)'],
    json: true,
  },
  { verb: 'backend', synopsis: ['backend [--backend NAME]'], description: ['print the compute backend chain and the selected backend'], json: true },
  { verb: 'info', synopsis: ['info <file>'], description: ["print a recording's header: channels, rates, duration, annotations;", 'for NIfTI/GIfTI/mz3: dimensions, voxel size, affine, TR'], json: true },
  // then each domain's commands, in the order of main/domains/list.ts
  ...domainCommands().flatMap((command) => command.usage),
];

const DESCRIPTION_COLUMN = 43;

function render(entry: VerbUsage): string {
  const lines = entry.synopsis.map((line) => `  ${line}`);
  const description = [...entry.description];
  const last = lines.length - 1;
  // A short synopsis carries the first description line beside it, as `man` pages do.
  if (lines[last]!.length < DESCRIPTION_COLUMN - 1) lines[last] = `${lines[last]!.padEnd(DESCRIPTION_COLUMN - 1)} ${description.shift()}`;
  return [...lines, ...description.map((line) => `${' '.repeat(DESCRIPTION_COLUMN)}${line}`)].join('\n');
}

/** The verbs without --json yet, as a line of the footer (none: nothing). */
function textOnlyVerbs(): string {
  const names = VERBS.filter((entry) => !entry.json).map((entry) => [entry.verb, entry.sub].filter(Boolean).join(' '));
  return names.length ? `\n             (${names.join(', ')}: text only)` : '';
}

const FOOTER = `options every command takes:
  --json     print the result as one JSON document on stdout (progress and messages go to stderr);
             a failure prints {"error": {"code", "message"}} there, with the same exit code${textOnlyVerbs()}
  --help     print the command's usage; help <command> [sub] does the same

--out never writes over a project file, a source or an input, and replaces an existing file only with
--overwrite.

exit codes: 0 ok, 1 user error, 2 internal error`;

/** Everything `cajal --help` prints. */
export const USAGE = `usage: cajal <command> [options]

commands:
${VERBS.map(render).join('\n')}

${FOOTER}`;

function entriesOf(verb: string, sub: string | undefined): VerbUsage[] {
  return VERBS.filter((entry) => entry.verb === verb && (sub === undefined || entry.sub === undefined || entry.sub === sub));
}

/**
 * `cajal <verb> [sub] --help`: the entries of that subcommand, or of all the verb's subcommands
 * when none (or an unknown one) is named; null for an unknown verb.
 */
export function verbUsage(alias: string, sub?: string): string | null {
  const verb = canonicalVerb(alias);
  let entries = entriesOf(verb, sub);
  if (!entries.length) entries = entriesOf(verb, undefined);
  if (!entries.length) return null;
  const prefixed = entries.map((entry) => ({ ...entry, synopsis: entry.synopsis.map((line, i) => (i ? `      ${line}` : `cajal ${line}`)) }));
  const json = entries.every((entry) => entry.json) ? ['', '--json prints the result as one JSON document on stdout (see cajal --help)'] : [];
  return ['usage:', ...prefixed.map(render), ...json].join('\n');
}

/**
 * Whether `cajal <verb> [sub]` takes --json. Unknown verbs and subcommands answer true: the verb
 * itself then reports them (as a JSON error document).
 */
export function takesJson(alias: string, sub: string | undefined): boolean {
  const verb = canonicalVerb(alias);
  return VERBS.filter((entry) => entry.verb === verb && (entry.sub === undefined || entry.sub === sub)).every((entry) => entry.json);
}
