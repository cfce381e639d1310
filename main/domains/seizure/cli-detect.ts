/**
 * `cajal seizure detect <project> <recording> [--detector classical|neural|both] [--channel-mode auto|standard|per-channel] [--channels A,B] [--out events.tsv]`:
 * runs the detectors as project runs (stored with their parameters; the neural one with the
 * project's latest trained model), prints their events and, with --out, writes them as SzCORE TSV
 * that `cajal seizure score` (or the SzCORE tools) read: to the --out path itself for one detector
 * (what a user who names a file expects), to `<out>.classical.tsv` and `<out>.neural.tsv` for both.
 * --channel-mode picks the input (default auto: the SzCORE standard input when the recording has
 * it, else every EEG channel alone); --channels limits per-channel detection to those labels.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDuration } from '../../../shared/units.js';
import { ValidationError } from '../../errors.js';
import { WINDOW_FEATURE_VERSION } from '../../pipelines/seizure/channel/feature-set.js';
import type { DetectedEvent } from '../../pipelines/seizure/classical.js';
import { defaultSeizureModelRecord, hasDefaultSeizureModel } from '../../pipelines/seizure/neural/default-model.js';
import { ChannelMode } from '../../pipelines/seizure/params.js';
import { checkWriteTarget, projectFilePaths, type ProtectedPath, type WriteTargetOptions } from '../../io/write-target.js';
import { writeSzcoreTsv, type SzcoreEvent } from '../../pipelines/seizure/scoring/index.js';
import { Store } from '../../store/index.js';
import { protectedPaths } from '../../store/protected-paths.js';
import { table } from '../../console/format.js';
import { isJson, report, textOnly, type Output } from '../../console/output.js';
import type { CliContext } from '../types.js';

const DETECTORS = { classical: 'seizure-classical', neural: 'seizure-neural' } as const;
type Detector = keyof typeof DETECTORS;

function outputPath(outPath: string, detector: Detector, several: boolean): string {
  if (!several) return resolve(outPath);
  const base = outPath.replace(/\.tsv$/i, '');
  return resolve(`${base}.${detector}.tsv`);
}

export async function seizureDetect(
  projectPath: string,
  recordingArg: string,
  params: Record<string, unknown>,
  options: { detector?: string; out?: string; overwrite?: boolean; channelMode?: string; channels?: string },
  cli: CliContext,
): Promise<number> {
  const { io } = cli;
  const choice = options.detector ?? 'both';
  if (!['classical', 'neural', 'both'].includes(choice)) throw new ValidationError('--detector', `expected classical, neural or both, got "${choice}"`);
  params = withChannelOptions(params, options);
  const mode = (params.channelMode as ChannelMode | undefined) ?? 'auto';
  let detectors: Detector[] = choice === 'both' ? ['classical', 'neural'] : [choice as Detector];
  if (choice === 'both') {
    const stored = await cli.withProject(projectPath, { create: false }, (project) =>
      project.store.models
        .list('seizure-neural')
        .filter((m) => m.status === 'complete')
        .sort((a, b) => b.id - a.id)[0],
    );
    // Without a model of its own, the project gets the one shipped with Cajal when the run starts.
    const model = stored
      ? { name: `model #${stored.id}`, meta: stored.meta }
      : hasDefaultSeizureModel()
        ? { name: 'the default model shipped with Cajal', meta: defaultSeizureModelRecord().meta }
        : null;
    if (!model) {
      io.err('cajal: no neural seizure model in this project (train one with `cajal seizure train --project`); running the classical detector only');
      detectors = ['classical'];
    } else if (mode !== 'auto' && modelInput(model.meta) !== mode) {
      io.err(`cajal: the project's neural seizure model (${model.name}) takes the ${modelInput(model.meta)} input, not ${mode}; running the classical detector only`);
      detectors = ['classical'];
    }
  }
  const out = (detector: Detector) => (options.out ? outputPath(options.out, detector, detectors.length > 1) : undefined);
  // The --out files are checked before the detectors run, so a refused path costs nothing.
  const writeOptions = { overwrite: options.overwrite ?? false, field: '--out' };
  if (options.out) {
    const guarded = projectProtection(projectPath);
    for (const detector of detectors) checkWriteTarget(out(detector)!, { ...writeOptions, protectedPaths: guarded });
  }
  const results: DetectorResult[] = [];
  for (const detector of detectors) {
    // The run's own table is a message here (stderr with --json); the events are the result.
    const code = await cli.runPipeline(projectPath, DETECTORS[detector], recordingArg, params, textOnly(io));
    if (code !== 0) return code;
    const result = await detectorResult(cli, projectPath, detector, out(detector), writeOptions);
    if (!isJson(io)) renderDetector(result, io);
    if (result.out) io.out(`wrote ${result.out}`);
    results.push(result);
  }
  report(io, { detectors: results }, () => {}); // (text mode printed each detector as it finished)
  return 0;
}

/** --channel-mode and --channels as detection params (they override --param channelMode=…). */
function withChannelOptions(params: Record<string, unknown>, options: { channelMode?: string; channels?: string }): Record<string, unknown> {
  const out = { ...params };
  if (options.channelMode !== undefined) {
    const parsed = ChannelMode.safeParse(options.channelMode);
    if (!parsed.success) throw new ValidationError('--channel-mode', `expected ${ChannelMode.options.join(', ')}, got "${options.channelMode}"`);
    out.channelMode = parsed.data;
  }
  if (options.channels !== undefined) {
    const labels = options.channels.split(',').map((l) => l.trim()).filter(Boolean);
    if (labels.length === 0) throw new ValidationError('--channels', 'expected comma-separated channel labels, e.g. --channels "T3-T5,LA1"');
    out.channels = labels;
  }
  return out;
}

/** The input a stored seizure-neural model takes (its meta records the input or the feature version). */
function modelInput(meta: Record<string, unknown>): 'standard' | 'per-channel' {
  if (meta.input === 'per-channel' || meta.input === 'standard') return meta.input;
  return meta.featureVersion === WINDOW_FEATURE_VERSION ? 'per-channel' : 'standard';
}

/** The project's files and its recordings' sources; the engine reports a missing project itself. */
function projectProtection(projectPath: string): ProtectedPath[] {
  const path = resolve(projectPath);
  if (!existsSync(path)) return projectFilePaths(path);
  const store = Store.open(path, { create: false, readonly: true });
  try {
    return protectedPaths(store);
  } finally {
    store.close();
  }
}

/** One detector's part of `cajal seizure detect`'s result. */
interface DetectorResult {
  detector: Detector;
  runId: number;
  recordingId: number;
  events: DetectedEvent[];
  /** The input used ('standard' or 'per-channel'), why, and the channels read and left out. */
  channelMode: string | null;
  channelModeReason: string | null;
  channels: { label: string; rateHz: number }[];
  skipped: { label: string; reason: string }[];
  /** The SzCORE TSV written (--out), else null. */
  out: string | null;
}

function renderDetector({ detector, runId, events, channelMode, channels, skipped }: DetectorResult, io: Output): void {
  io.out(`${detector} detector, run ${runId}${channelMode ? `, ${channelMode} input on ${channels.length} channel(s)` : ''}:`);
  if (channelMode === 'per-channel') {
    io.out(`  channels: ${channels.map((c) => `${c.label} (${+c.rateHz.toFixed(2)} Hz)`).join(', ')}`);
    for (const s of skipped) io.out(`  not used: ${s.label}: ${s.reason}`);
  }
  io.out(
    events.length
      ? table(['onset', 'duration (s)', 'confidence', 'channels'], events.map((e) => [formatDuration(e.onsetS), e.durationS, e.confidence.toFixed(2), e.channels.join(' ')]))
      : 'no seizure detected',
  );
}

/** The events of the detector's latest run; writes them to `outPath` when given. */
async function detectorResult(cli: CliContext, projectPath: string, detector: Detector, outPath: string | undefined, writeOptions: WriteTargetOptions): Promise<DetectorResult> {
  return cli.withProject(projectPath, { create: false }, ({ store }) => {
    const run = store.runs.list().filter((r) => r.pipeline === DETECTORS[detector]).sort((a, b) => b.id - a.id)[0]!;
    const recording = store.recordings.get(run.recordingId!)!;
    const result = store.results.list(run.id).find((r) => r.key === 'events')!;
    const value = result.value as {
      events: DetectedEvent[];
      channelMode?: string;
      channelModeReason?: string;
      channels?: { label: string; rateHz: number }[];
      skipped?: { label: string; reason: string }[];
    };
    const { events } = value;
    if (outPath) {
      const durationS = recording.metadata.durationS;
      const rows: SzcoreEvent[] = events.length
        ? events.map((e) => ({ onsetS: e.onsetS, durationS: e.durationS, eventType: 'sz', confidence: Number(e.confidence.toFixed(2)), channels: e.channels, dateTime: null, recordingDurationS: durationS }))
        : [{ onsetS: 0, durationS, eventType: 'bckg', confidence: null, channels: null, dateTime: null, recordingDurationS: durationS }];
      writeSzcoreTsv(outPath, rows, { ...writeOptions, protectedPaths: protectedPaths(store) });
    }
    return {
      detector,
      runId: run.id,
      recordingId: recording.id,
      events,
      channelMode: value.channelMode ?? null,
      channelModeReason: value.channelModeReason ?? null,
      channels: value.channels ?? [],
      skipped: value.skipped ?? [],
      out: outPath ?? null,
    };
  });
}
