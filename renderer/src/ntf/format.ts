/** Numbers and names as the NTF panel prints them. */

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** Three significant digits, exponent when tiny or huge. */
export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A duration in seconds as "480 s" or "8 min 0 s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 120) return `${formatNumber(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

export function componentTitle(index: number): string {
  return `Component ${index + 1}`;
}
