/**
 * The error view's colour code: one fixed colour per matching status, from the Okabe–Ito palette
 * (Okabe & Ito 2008), whose colours stay distinct under the common colour-vision deficiencies. The
 * 3D scene, the slices, the instance list and the legend all use these.
 */
import type { FisbeInstanceStatus } from '../../../shared/api/index.js';

export type Side = 'gt' | 'pred';

export const STATUSES: readonly FisbeInstanceStatus[] = ['true-positive', 'false-split', 'false-merge', 'unmatched'];

export const STATUS_COLORS: Readonly<Record<FisbeInstanceStatus, string>> = {
  /** Bluish green. */
  'true-positive': '#009e73',
  /** Orange. */
  'false-split': '#e69f00',
  /** Reddish purple. */
  'false-merge': '#cc79a7',
  /** Vermillion. */
  unmatched: '#d55e00',
};

/** The selected instance, drawn over its status colour. */
export const SELECTED_COLOR = '#ffffff';
/** Labels in a slice that no instance record describes (should not happen; shown, not hidden). */
export const UNKNOWN_LABEL_COLOR = '#8c8c8c';

export function statusColor(status: FisbeInstanceStatus): string {
  return STATUS_COLORS[status];
}

export function statusTitle(status: FisbeInstanceStatus, side?: Side): string {
  switch (status) {
    case 'true-positive':
      return 'true positive';
    case 'false-split':
      return 'false split';
    case 'false-merge':
      return 'false merge';
    case 'unmatched':
      return side === 'gt' ? 'unmatched (false negative)' : side === 'pred' ? 'unmatched (false positive)' : 'unmatched';
  }
}

export function sideTitle(side: Side): string {
  return side === 'gt' ? 'GT' : 'pred';
}
