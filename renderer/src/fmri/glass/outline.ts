/**
 * Which of the project's surfaces outline the glass brain: pial surfaces first (fsaverage's are in
 * MNI space and show the folds), else any surface mesh (BrainNet's ICBM152 mesh); one per
 * hemisphere, and a lone left (or right) hemisphere is mirrored to draw the other.
 */
import { recordingKind, type Recording } from '../../../../shared/api/index.js';

export interface OutlineChoice {
  recordingId: number;
  mirrorX: boolean;
}

/** A surface's hemisphere from its metadata, else from its name (lh./rh., _left/_right). */
function hemisphereOf(recording: Recording): 'left' | 'right' | null {
  const stated = recording.metadata.brain?.hemisphere;
  if (stated) return stated;
  const name = recording.sourcePath.split(/[\\/]/).pop()!.toLowerCase();
  if (/(^|[._-])(lh|left)([._-]|$)/.test(name)) return 'left';
  if (/(^|[._-])(rh|right)([._-]|$)/.test(name)) return 'right';
  return null;
}

export function chooseOutline(recordings: readonly Recording[]): OutlineChoice[] {
  const surfaces = recordings.filter((r) => recordingKind(r) === 'brain-map' && r.metadata.brain?.type === 'surface');
  const isPial = (r: Recording) => /pial/i.test(r.sourcePath);
  // Inflated surfaces are not where the brain is: never an outline.
  const usable = surfaces.filter((r) => !/infl/i.test(r.sourcePath));
  const ranked = [...usable.filter(isPial), ...usable.filter((r) => !isPial(r))];
  const left = ranked.find((r) => hemisphereOf(r) === 'left');
  const right = ranked.find((r) => hemisphereOf(r) === 'right');
  if (left && right) return [{ recordingId: left.id, mirrorX: false }, { recordingId: right.id, mirrorX: false }];
  const one = left ?? right;
  if (one) return [{ recordingId: one.id, mirrorX: false }, { recordingId: one.id, mirrorX: true }];
  // A whole-brain mesh (no hemisphere): as it is.
  const whole = ranked.find((r) => hemisphereOf(r) === null);
  return whole ? [{ recordingId: whole.id, mirrorX: false }] : [];
}
