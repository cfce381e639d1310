/**
 * Which other recordings go with a map by default: the background template (a volume whose name
 * says MNI, template or T1) and the atlas for labels (AAL2 first, then AAL, then any label atlas).
 * The user can pick others; these are only the first guesses, chosen by name because the files
 * say nothing else about their role.
 */
import type { Recording } from '../../../../shared/api/index.js';

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

export function volumeRecordings(recordings: readonly Recording[], types: readonly string[]): Recording[] {
  return recordings.filter((r) => r.metadata.brain && types.includes(r.metadata.brain.type));
}

/** The default background for `shown`: a 3D volume named like a template, never the map itself. */
export function defaultTemplate(recordings: readonly Recording[], shown: Recording): Recording | null {
  const candidates = volumeRecordings(recordings, ['volume']).filter((r) => r.id !== shown.id);
  const score = (r: Recording) => {
    const name = fileName(r.sourcePath).toLowerCase();
    return (/mni|icbm|template/.test(name) ? 2 : 0) + (/t1/.test(name) ? 1 : 0);
  };
  const best = candidates.map((r) => ({ r, s: score(r) })).filter((c) => c.s > 0).sort((a, b) => b.s - a.s || a.r.id - b.r.id)[0];
  return best?.r ?? null;
}

/** The default atlas: AAL2, then AAL, then the first label atlas imported. */
export function defaultAtlas(recordings: readonly Recording[], shown: Recording): Recording | null {
  const atlases = volumeRecordings(recordings, ['atlas']).filter((r) => r.id !== shown.id);
  const named = (pattern: RegExp) => atlases.find((r) => pattern.test(fileName(r.sourcePath).toLowerCase()));
  return named(/aal2/) ?? named(/aal/) ?? atlases[0] ?? null;
}

/** The default map to project on a surface: a 3D volume not named like a template (a statistical map). */
export function defaultStatMap(recordings: readonly Recording[]): Recording | null {
  return volumeRecordings(recordings, ['volume']).find((r) => !/mni|icbm|template|t1/.test(fileName(r.sourcePath).toLowerCase())) ?? null;
}

export { fileName };
