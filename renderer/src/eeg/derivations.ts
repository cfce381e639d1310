/**
 * The montage editor's text format: one derivation per line, `plus-minus` (`Fp1-F7`), `plus-avg`
 * for the common average, or a bare channel for "as recorded". Channel labels may contain dashes
 * themselves (`EEG Fpz-Cz`), so a line is split at the dash where both sides are channels of the
 * recording; `label = plus-minus` names a derivation explicitly.
 */
import type { Derivation } from '../../../shared/api/index.js';

export function formatDerivation(derivation: Derivation): string {
  const body = derivation.minus === null ? derivation.plus : `${derivation.plus}-${derivation.minus === 'avg' ? 'avg' : derivation.minus}`;
  return derivation.label === body ? body : `${derivation.label} = ${body}`;
}

export type ParsedDerivations = { ok: true; derivations: Derivation[] } | { ok: false; error: string };

function splitLine(body: string, channels: Set<string>): Omit<Derivation, 'label'> | null {
  if (channels.has(body)) return { plus: body, minus: null };
  for (let i = body.indexOf('-'); i > 0; i = body.indexOf('-', i + 1)) {
    const plus = body.slice(0, i).trim();
    const minus = body.slice(i + 1).trim();
    if (!channels.has(plus)) continue;
    if (minus.toLowerCase() === 'avg') return { plus, minus: 'avg' };
    if (channels.has(minus)) return { plus, minus };
  }
  return null;
}

export function parseDerivations(text: string, channelLabels: readonly string[]): ParsedDerivations {
  const channels = new Set(channelLabels);
  const derivations: Derivation[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const label = eq > 0 ? line.slice(0, eq).trim() : null;
    const body = eq > 0 ? line.slice(eq + 1).trim() : line;
    const parts = splitLine(body, channels);
    if (!parts) return { ok: false, error: `line ${n + 1}: "${body}" is not plus-minus of this recording's channels` };
    derivations.push({ label: (label || body).slice(0, 64), ...parts });
  }
  if (derivations.length === 0) return { ok: false, error: 'list at least one derivation' };
  return { ok: true, derivations };
}
