/** The time windows the traces can show: whole recording, or a span in seconds (frames when the rate is unknown). */
export interface WindowChoice {
  label: string;
  frames: number;
}

const SECONDS = [600, 300, 120, 60, 30, 10];
const FRAMES = [4000, 2000, 1000, 500, 200];

export function windowChoices(frameCount: number, frameRateHz: number | null): WindowChoice[] {
  const spans = frameRateHz
    ? SECONDS.map((s) => ({ label: s >= 120 ? `${s / 60} min` : `${s} s`, frames: Math.round(s * frameRateHz) }))
    : FRAMES.map((f) => ({ label: `${f} frames`, frames: f }));
  return [{ label: 'whole recording', frames: frameCount }, ...spans.filter((choice) => choice.frames >= 8 && choice.frames < frameCount)];
}

/** A window of `length` frames starting near `start`, kept inside the recording. */
export function clampWindow(start: number, length: number, frameCount: number): { start: number; end: number } {
  const span = Math.max(1, Math.min(length, frameCount));
  const from = Math.max(0, Math.min(Math.round(start), frameCount - span));
  return { start: from, end: from + span };
}
