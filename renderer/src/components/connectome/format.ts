/** Numbers as the connectome view prints them: three significant digits, exponent when tiny or huge. */
export function formatWeight(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}

/** A percentage with at most one decimal ("10 %", "2.5 %"). */
export function formatPercent(percent: number): string {
  return `${Number(percent.toFixed(1))} %`;
}

/** The plural of a group noun: "community" → "communities", "network" → "networks". */
export function plural(noun: string): string {
  return /[^aeiou]y$/i.test(noun) ? `${noun.slice(0, -1)}ies` : /(s|x|ch|sh)$/i.test(noun) ? `${noun}es` : `${noun}s`;
}
