/**
 * The parameters of a new NTF run (`runs.start` params of pipeline `ntf`) from the form's text
 * fields, checked here so the user hears what is wrong before a run is queued.
 */

// A type, not an interface: it must fit runs.start's Record<string, unknown> params.
export type NtfRunParams = {
  recordingIds: number[];
  minRank: number;
  maxRank: number;
  restarts: number;
  /** The rank whose factors are shown; absent: the suggested one. */
  rank?: number;
};

export interface NtfFormFields {
  recordingIds: number[];
  minRank: string;
  maxRank: string;
  restarts: string;
  /** Blank for the suggested rank. */
  rank: string;
}

/** The run's parameters from the form's fields, or why they are not valid. */
export function ntfParams(fields: NtfFormFields): { ok: true; params: NtfRunParams } | { ok: false; message: string } {
  // Number('') is 0, which the checks below refuse as a rank.
  const minRank = Number(fields.minRank);
  const maxRank = Number(fields.maxRank);
  const restarts = Number(fields.restarts);
  if (fields.recordingIds.length === 0) return { ok: false, message: 'Choose at least one calcium recording.' };
  if (!Number.isInteger(minRank) || minRank < 1) return { ok: false, message: 'The smallest rank must be a whole number ≥ 1.' };
  if (!Number.isInteger(maxRank) || maxRank < minRank) return { ok: false, message: 'The largest rank must be a whole number ≥ the smallest.' };
  if (!Number.isInteger(restarts) || restarts < 1) return { ok: false, message: 'Restarts must be a whole number ≥ 1.' };
  const params = { recordingIds: fields.recordingIds, minRank, maxRank, restarts };
  if (fields.rank.trim() === '') return { ok: true, params };
  const rank = Number(fields.rank);
  if (!Number.isInteger(rank) || rank < minRank || rank > maxRank) return { ok: false, message: `The rank to show must be a whole number in ${minRank}…${maxRank}, or blank for the suggested one.` };
  return { ok: true, params: { ...params, rank } };
}
