/**
 * `cajal seizure detect <project> <recording> [--out events.tsv]`: runs the classical detector as a
 * project run (stored with its parameters), then prints its events and, with --out, writes them as
 * an SzCORE TSV that `cajal seizure score` (or the SzCORE tools) read.
 */
import { resolve } from 'node:path';
import { formatDuration } from '../../shared/units.js';
import { Engine } from '../engine/index.js';
import type { DetectedEvent } from '../pipelines/seizure/classical.js';
import { writeSzcoreTsv, type SzcoreEvent } from '../pipelines/seizure/scoring/index.js';
import { runPipeline, type Output } from './commands.js';
import { table } from './format.js';

export async function seizureDetect(projectPath: string, recordingArg: string, params: Record<string, unknown>, outPath: string | undefined, io: Output): Promise<number> {
  const code = await runPipeline(projectPath, 'seizure-classical', recordingArg, params, io);
  if (code !== 0) return code;
  const engine = await Engine.open({ projectPath, create: false });
  try {
    const run = engine.store.runs.list().filter((r) => r.pipeline === 'seizure-classical').sort((a, b) => b.id - a.id)[0]!;
    const recording = engine.store.recordings.get(run.recordingId!)!;
    const result = engine.store.results.list(run.id).find((r) => r.key === 'events')!;
    const { events } = result.value as { events: DetectedEvent[] };
    io.out(
      events.length
        ? table(['onset', 'duration (s)', 'confidence', 'channels'], events.map((e) => [formatDuration(e.onsetS), e.durationS, e.confidence.toFixed(2), e.channels.join(' ')]))
        : 'no seizure detected',
    );
    if (outPath) {
      const rows: SzcoreEvent[] = events.length
        ? events.map((e) => ({ onsetS: e.onsetS, durationS: e.durationS, eventType: 'sz', confidence: Number(e.confidence.toFixed(2)), channels: e.channels, dateTime: null, recordingDurationS: recording.metadata.durationS }))
        : [{ onsetS: 0, durationS: recording.metadata.durationS, eventType: 'bckg', confidence: null, channels: null, dateTime: null, recordingDurationS: recording.metadata.durationS }];
      writeSzcoreTsv(resolve(outPath), rows);
      io.out(`wrote ${resolve(outPath)}`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}
