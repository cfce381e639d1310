/** A perceptually ordered dark-blue → teal → yellow ramp for the spectral heat map. */
const STOPS: [number, number, number, number][] = [
  [0, 20, 18, 60],
  [0.25, 40, 70, 140],
  [0.5, 30, 150, 140],
  [0.75, 150, 205, 70],
  [1, 250, 235, 40],
];

/** RGB of a value in [0, 1]. */
export function rampColor(value: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  for (let i = 1; i < STOPS.length; i++) {
    const [p1, r1, g1, b1] = STOPS[i]!;
    if (v <= p1) {
      const [p0, r0, g0, b0] = STOPS[i - 1]!;
      const f = (v - p0) / (p1 - p0);
      return [Math.round(r0 + f * (r1 - r0)), Math.round(g0 + f * (g1 - g0)), Math.round(b0 + f * (b1 - b0))];
    }
  }
  const last = STOPS[STOPS.length - 1]!;
  return [last[1], last[2], last[3]];
}

/** The value at a quantile of finite numbers (0 when there are none). */
export function quantile(values: number[], q: number): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return 0;
  return finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))]!;
}
