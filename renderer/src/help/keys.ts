/** The help sheet's rows: one per key of a view's key help ("PageDown/PageUp: next/previous page"). */
export interface KeyRow {
  keys: string;
  action: string;
}

function row(part: string): KeyRow {
  const colon = part.indexOf(': ');
  return colon > 0 ? { keys: part.slice(0, colon).trim(), action: part.slice(colon + 2).trim() } : { keys: '', action: part.trim() };
}

/**
 * Splits key help lines ("A: annotate · drag: measure") into rows. A line may open with a lead-in
 * ("Seizure triage: J/K: next/previous event · …"): it becomes a row of its own, without keys.
 */
export function keyRows(lines: readonly string[]): KeyRow[] {
  return lines.flatMap((line) => {
    const parts = line.split(' · ');
    const first = parts[0] ?? '';
    const secondColon = first.indexOf(': ', first.indexOf(': ') + 2);
    if (first.indexOf(': ') > 0 && secondColon > 0) {
      const leadIn = first.slice(0, first.indexOf(': '));
      return [{ keys: '', action: leadIn }, ...[first.slice(leadIn.length + 2), ...parts.slice(1)].map(row)];
    }
    return parts.map(row);
  });
}
