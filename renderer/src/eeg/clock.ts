/**
 * Clock time of a recording offset. EDF start times are local wall-clock times without a zone, so
 * the arithmetic is done in UTC fields and never shifted by the viewer's time zone.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?/;

/** Milliseconds of the start as if it were UTC, or null when the header time is unreadable. */
export function parseStart(startDateTime: string): number | null {
  const m = ISO.exec(startDateTime);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `HH:MM:SS` (with tenths when not a whole second) of `start + offsetS`, to the nearest tenth. */
export function clockTime(startDateTime: string, offsetS: number): string {
  const start = parseStart(startDateTime);
  if (start === null) return formatOffset(offsetS);
  const t = new Date(Math.round((start + offsetS * 1000) / 100) * 100);
  const base = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
  const tenths = Math.round(t.getUTCMilliseconds() / 100);
  return tenths === 0 ? base : `${base}.${tenths}`;
}

/** Calendar date of `start + offsetS`, `YYYY-MM-DD`. */
export function clockDate(startDateTime: string, offsetS: number): string {
  const start = parseStart(startDateTime);
  if (start === null) return '';
  const t = new Date(start + Math.round(offsetS * 1000));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Offset from the recording start, `H:MM:SS` (tenths when fractional). */
export function formatOffset(seconds: number): string {
  const negative = seconds < 0;
  const tenthsTotal = Math.round(Math.abs(seconds) * 10);
  const whole = Math.floor(tenthsTotal / 10);
  const tenths = tenthsTotal % 10;
  const text = `${Math.floor(whole / 3600)}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}${tenths ? `.${tenths}` : ''}`;
  return negative ? `-${text}` : text;
}
