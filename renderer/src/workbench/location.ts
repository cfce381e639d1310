/**
 * Where the user is, kept in the address's hash (`#runs?run=4`, `#eeg?recording=2`) so a reload
 * (or the bridge's page reopened) comes back to the same view and selection. The first view with
 * nothing selected is the bare address.
 */
export interface AppLocation {
  view: string;
  recordingId: number | null;
  runId: number | null;
}

const positiveId = (value: string | null): number | null => {
  const id = Number(value);
  return value !== null && Number.isInteger(id) && id > 0 ? id : null;
};

/** The location a hash names; an unknown view or a malformed id falls back to the first view / none. */
export function parseLocation(hash: string, viewIds: readonly string[]): AppLocation {
  const [view = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const params = new URLSearchParams(query);
  return {
    view: viewIds.includes(view) ? view : viewIds[0]!,
    recordingId: positiveId(params.get('recording')),
    runId: positiveId(params.get('run')),
  };
}

/** The hash for a location: '' for the first view with nothing selected. */
export function locationHash(location: AppLocation, viewIds: readonly string[]): string {
  const params = new URLSearchParams();
  if (location.recordingId !== null) params.set('recording', String(location.recordingId));
  if (location.runId !== null) params.set('run', String(location.runId));
  const query = params.toString();
  if (location.view === viewIds[0] && !query) return '';
  return `#${location.view}${query ? `?${query}` : ''}`;
}
