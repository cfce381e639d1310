/** Human units shared by the CLI and the renderer. */

/** Seconds as h:mm:ss (clinical EEG convention: hours never roll over into days). */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Decimal (SI) byte sizes, as file managers show them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds as a short elapsed time: "0.11 s", "2 min 05 s". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A rate in Hz to at most 3 decimals, trailing zeros dropped: 256, 1.667, 30.5 (a header's 1.6666142… is noise). */
export function formatRateHz(hz: number): string {
  return `${Number(hz.toFixed(3))} Hz`;
}

/** A count with thousands separators, and the noun in the singular for one: "1 tree", "1,234 nodes". */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}

/** A length in µm, to whole µm (with thousands separators) above 100 µm, else to 0.1 µm. */
export function formatLengthUm(um: number): string {
  return `${um >= 100 ? Math.round(um).toLocaleString('en-US') : um.toFixed(1)} µm`;
}
