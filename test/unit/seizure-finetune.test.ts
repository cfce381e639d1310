/**
 * "Improve detector from my reviews": triage decisions become labelled spans (latest decision per
 * event, accepted winning over rejected, undecided events left out), a seeded part of them is held
 * out, per-second labels add replayed background; and the fine-tune as a run through the job runner
 * on a synthetic recording with seizures and seizure-like artefacts: a base model trained on
 * seizures alone fires on the artefacts, the reviewer rejects those and accepts the seizures, and
 * the fine-tune stores a new model (the base untouched) that raises fewer false alarms and keeps
 * every accepted seizure, with before/after figures in its results.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { SeizureTriage } from '../../main/domains/seizure/triage.js';
import { inspectRecording } from '../../main/io/recording.js';
import { siblingModuleUrl, PipelineRegistry } from '../../main/jobs/registry.js';
import { JobRunner } from '../../main/jobs/runner.js';
import { detectionFigures, finetuneVerdict } from '../../main/pipelines/seizure/finetune-evaluate.js';
import { exampleLabels, holdOutDecisions, normaliseReviewed, REPLAY_MARGIN_S } from '../../main/pipelines/seizure/finetune-examples.js';
import { untrainedPerChannelConfig } from '../../main/pipelines/seizure/channel/untrained.js';
import { finetuneNeural } from '../../main/pipelines/seizure/finetune.js';
import { buildModel, modelToBundle, saveNeuralModel, trainNeural } from '../../main/pipelines/seizure/neural/index.js';
import { runCli } from '../../main/cli/main.js';
import { Store } from '../../main/store/index.js';
import { writeSeizureEdf } from '../helpers/seizure-edf.js';
import { writeReviewEdf } from '../helpers/seizure-review-edf.js';
import { tempDir } from '../helpers/tmp.js';

const PIPELINES = new URL('../../main/pipelines/seizure/', import.meta.url).href;

describe('reviewed examples', () => {
  it('merges spans, lets accepted win over rejected and keeps unreviewed only where nothing was decided', () => {
    const reviewed = normaliseReviewed({
      accepted: [[100, 140], [130, 150]],
      rejected: [[90, 110], [300, 320]],
      unreviewed: [[305, 330], [500, 520]],
    });
    expect(reviewed).toEqual({ accepted: [[100, 150]], rejected: [[90, 100], [300, 320]], unreviewed: [[320, 330], [500, 520]] });
  });

  it('holds out a seeded part of each class with at least 3 decisions, the same for the same seed', () => {
    const reviewed = { accepted: [[10, 20], [30, 40], [50, 60], [70, 80]] as [number, number][], rejected: [[100, 110], [200, 210]] as [number, number][], unreviewed: [] };
    const a = holdOutDecisions(reviewed, 0.25, 3);
    expect(a.heldOut.accepted).toHaveLength(1);
    expect(a.train.accepted).toHaveLength(3);
    expect(a.heldOut.rejected).toHaveLength(0); // only 2 rejected: both stay to learn from
    expect(holdOutDecisions(reviewed, 0.25, 3)).toEqual(a);
    expect(holdOutDecisions(reviewed, 0, 3).heldOut.accepted).toHaveLength(0);
  });

  it('labels seizure windows 1, rejected windows 0, replays background away from seizures, leaves the rest out', () => {
    const examples = { accepted: [[200, 240]] as [number, number][], rejected: [[400, 420]] as [number, number][], unreviewed: [[500, 520]] as [number, number][] };
    const { labels, counts } = exampleLabels(900, examples, [[600, 620]], { replayRatio: 2, replayMin: 50, seed: 1 });
    expect(labels[210]).toBe(1); // window [207, 211) inside the seizure
    expect(labels[201]).toBe(-1); // window [198, 202) straddles the onset
    expect(labels[405]).toBe(0); // rejected
    expect(labels[510]).toBe(-1); // unreviewed: unknown
    expect(labels[610]).toBe(-1); // held out
    expect(counts.seizure).toBe(37); // windows ending at 203 … 239
    expect(counts.rejected).toBe(23); // windows touching [400, 420): ending at 400 … 422
    expect(counts.replay).toBe(50);
    let replayed = 0;
    for (let t = 0; t < 900; t++) {
      const inRejected = t + 1 > 400 && t - 3 < 420;
      if (labels[t] === 0 && !inRejected) {
        replayed++;
        // No replayed background within the margin around the seizure.
        expect(t + 1 <= 200 - REPLAY_MARGIN_S || t - 3 >= 240 + REPLAY_MARGIN_S).toBe(true);
      }
    }
    expect(replayed).toBe(50);
  });

  it('scores false alarms per 24 h against the accepted spans, and fails a model that loses an accepted seizure', () => {
    const events = [{ onsetS: 10, durationS: 20, confidence: 0.9, channels: [] }, { onsetS: 100, durationS: 10, confidence: 0.8, channels: [] }];
    const figures = detectionFigures(events, 3600, [[15, 25], [500, 520]], [[15, 25], [500, 520]], [[95, 105]]);
    expect(figures).toEqual({ events: 2, falseAlarms: 1, falseAlarmsPer24h: 24, accepted: 2, acceptedFound: 1, rejected: 1, rejectedAlarmed: 1 });
    expect(finetuneVerdict({ falseAlarms: 5 }, { falseAlarms: 1 }, 0)).toBe('fewer false alarms');
    expect(finetuneVerdict({ falseAlarms: 5 }, { falseAlarms: 0 }, 1)).toBe('loses an accepted seizure');
    expect(finetuneVerdict({ falseAlarms: 2 }, { falseAlarms: 2 }, 0)).toBe('no fewer false alarms');
  });
});

describe('seizure-neural-finetune through the job runner', () => {
  const tmp = tempDir('cajal-finetune-');
  let store: Store;
  let runner: JobRunner;
  let triage: SeizureTriage;
  let baseModelId: number;
  let recordingId: number;
  const seizures = [{ onsetS: 120, durationS: 40 }, { onsetS: 420, durationS: 45 }, { onsetS: 700, durationS: 40 }];
  const artefacts = [60, 250, 330, 540, 620, 800].map((onsetS) => ({ onsetS, durationS: 20 }));

  beforeAll(async () => {
    const tf = await activateBackend('wasm');
    const trainFile = join(tmp.dir, 'train.edf');
    const reviewFile = join(tmp.dir, 'review.edf');
    writeSeizureEdf(trainFile, 600, [{ onsetS: 100, durationS: 40 }, { onsetS: 300, durationS: 50 }, { onsetS: 480, durationS: 40 }]);
    writeReviewEdf(reviewFile, 900, { seizures, artefacts });
    // The base model has seen seizures and clean background only: artefacts are new to it.
    const base = await trainNeural([{ file: trainFile, seizures: [[100, 140], [300, 350], [480, 520]] }], { maxEpochs: 12, seed: 3 }, () => {}, { tf });
    store = Store.open(join(tmp.dir, 'p.cajal'));
    baseModelId = await saveNeuralModel(store, base.neural, 'base detector');
    base.neural.model.dispose();
    const registry = new PipelineRegistry();
    await registry.register(siblingModuleUrl(`${PIPELINES}x.ts`, './neural-pipeline'));
    await registry.register(siblingModuleUrl(`${PIPELINES}x.ts`, './finetune-pipeline'));
    runner = new JobRunner(store, registry, { codeVersion: 'test', maxConcurrent: 1 });
    triage = new SeizureTriage(store, () => 'dr-test', runner);
    recordingId = store.recordings.add(await inspectRecording(reviewFile)).recording.id;
  }, 240_000);

  afterAll(async () => {
    await runner?.shutdown();
    store?.close();
    tmp.cleanup();
  });

  it('refuses to improve before there is one accepted and one rejected decision', async () => {
    const detection = runner.start('seizure-neural', recordingId, {});
    await runner.idle();
    expect(store.runs.get(detection.id)!.status).toBe('succeeded');
    expect(() => triage.improve(detection.id)).toThrow(/0 accepted and 0 rejected event\(s\); improving needs at least one of each/);
  }, 120_000);

  it('fine-tunes from the reviews: new model stored, base kept, fewer false alarms, no accepted seizure lost', async () => {
    const detectionRun = triage.runs(recordingId)[0]!;
    const review = triage.review(detectionRun.runId);
    const overlapsSeizure = (onsetS: number, durationS: number) => seizures.some((s) => onsetS < s.onsetS + s.durationS && onsetS + durationS > s.onsetS);
    const falseBefore = review.events.filter((e) => !overlapsSeizure(e.onsetS, e.durationS)).length;
    expect(falseBefore).toBeGreaterThan(0); // the artefacts fool the base model
    for (const event of review.events) triage.decide(review.runId, event.index, overlapsSeizure(event.onsetS, event.durationS) ? 'accepted' : 'rejected');
    // A decision changed later: the latest one counts.
    const first = review.events[0]!;
    const firstStatus = overlapsSeizure(first.onsetS, first.durationS) ? 'accepted' : 'rejected';
    triage.decide(review.runId, first.index, firstStatus === 'accepted' ? 'rejected' : 'accepted');
    triage.decide(review.runId, first.index, firstStatus);
    const examples = triage.reviewedExamples(recordingId);
    expect(examples.accepted).toHaveLength(seizures.length);
    expect(examples.rejected).toHaveLength(falseBefore);

    const baseBefore = store.models.get(baseModelId)!;
    const run = triage.improve(review.runId);
    expect(run.params).toMatchObject({ recordingIds: [recordingId], modelId: baseModelId, sourceRunId: review.runId });
    await runner.idle();
    const finished = store.runs.get(run.id)!;
    expect(finished.status, finished.error ?? '').toBe('succeeded');

    // The base model is untouched; the new one is a further seizure-neural model with its provenance.
    const baseAfter = store.models.get(baseModelId)!;
    expect(Buffer.from(baseAfter.weights).equals(Buffer.from(baseBefore.weights))).toBe(true);
    expect(baseAfter.meta).toEqual(baseBefore.meta);
    const [produced] = store.models.ofRun(run.id);
    expect(produced).toMatchObject({ pipeline: 'seizure-neural', status: 'complete' });
    expect(produced!.id).not.toBe(baseModelId);
    const meta = store.models.get(produced!.id)!.meta as { finetune: { baseModelId: number; reviewed: { accepted: number; rejected: number }; parameters: { epochs: number } } };
    expect(meta.finetune).toMatchObject({ baseModelId, reviewed: { accepted: seizures.length, rejected: falseBefore }, parameters: { epochs: 8 } });

    const results = Object.fromEntries(store.results.list(run.id).map((r) => [r.key, r.value])) as Record<string, any>;
    expect(Object.keys(results).sort()).toEqual(['comparison', 'finetune', 'loss-curve']);
    const { totals, verdict, lostAccepted } = results.finetune;
    expect(verdict).toBe('fewer false alarms');
    expect(lostAccepted).toEqual([]);
    expect(totals.before.falseAlarms).toBe(falseBefore);
    expect(totals.after.falseAlarms).toBeLessThan(totals.before.falseAlarms);
    expect(totals.after.acceptedFound).toBe(seizures.length);
    expect(totals.after.falseAlarmsPer24h).toBeCloseTo((totals.after.falseAlarms * 86_400) / 900, 6);
    expect(results.comparison.recordings[0].heldOut).not.toBeNull();
    expect(results['loss-curve'].epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const improvements = triage.improvements(recordingId);
    expect(improvements[0]).toMatchObject({ runId: run.id, status: 'succeeded', modelId: produced!.id, baseModelId, verdict: 'fewer false alarms' });

    // Detecting again with the new model: fewer false alarms on the same recording, every seizure found.
    const again = triage.redetect(run.id, recordingId);
    expect(again.params.modelId).toBe(produced!.id);
    await runner.idle();
    const events = triage.review(again.id).events;
    expect(events.filter((e) => !overlapsSeizure(e.onsetS, e.durationS)).length).toBeLessThan(falseBefore);
    for (const s of seizures) expect(events.some((e) => e.onsetS < s.onsetS + s.durationS && e.onsetS + e.durationS > s.onsetS)).toBe(true);
  }, 240_000);

  it('runs from the command line too: `cajal seizure improve <project> <run> --json`', async () => {
    const detectionRunId = triage.runs(recordingId).at(-1)!.runId; // the reviewed one (the first)
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: () => {} };
    expect(await runCli(['seizure', 'improve', join(tmp.dir, 'p.cajal'), String(detectionRunId), '--json'], io)).toBe(0);
    const result = JSON.parse(lines.join('\n')) as { runId: number; modelId: number; baseModelId: number; verdict: string; totals: { before: { falseAlarms: number }; after: { falseAlarms: number } } };
    expect(result).toMatchObject({ baseModelId, verdict: 'fewer false alarms' });
    expect(result.modelId).not.toBe(baseModelId);
    expect(result.totals.after.falseAlarms).toBeLessThan(result.totals.before.falseAlarms);
    const bad: string[] = [];
    expect(await runCli(['seizure', 'improve', join(tmp.dir, 'p.cajal'), String(detectionRunId), '--scope', 'ward'], { out: () => {}, err: (line: string) => bad.push(line) })).not.toBe(0);
    expect(bad.join('\n')).toContain('expected recording or site, got "ward"');
  }, 120_000);
});

describe('fine-tuning a per-channel model', () => {
  const tmp = tempDir('cajal-finetune-pc-');
  afterAll(() => tmp.cleanup());

  it('pools the channels in training and scores them one by one in detection, learning the reviewed spans', async () => {
    const tf = await activateBackend('wasm');
    const file = join(tmp.dir, 'review.edf');
    const seizures = [{ onsetS: 120, durationS: 40 }, { onsetS: 420, durationS: 45 }, { onsetS: 700, durationS: 40 }];
    const artefacts = [60, 250, 330, 540, 620, 800].map((onsetS) => ({ onsetS, durationS: 20 }));
    writeReviewEdf(file, 900, { seizures, artefacts });
    // An untrained per-channel model: it fires everywhere or nowhere; the reviews alone teach it.
    const base = buildModel(tf, untrainedPerChannelConfig([0, 2, 4], 1));
    const weights = await modelToBundle(base);
    base.model.dispose();
    const reviewed = {
      accepted: seizures.map((s): [number, number] => [s.onsetS, s.onsetS + s.durationS]),
      rejected: artefacts.map((s): [number, number] => [s.onsetS, s.onsetS + s.durationS]),
      unreviewed: [],
    };
    const result = await finetuneNeural(tf, weights, 'untrained', [{ id: 1, file, reviewed }], { channelMode: 'per-channel' }, { learningRate: 0.01, holdOutFraction: 0 });
    try {
      expect(result.neural.config.input).toBe('per-channel');
      const [comparison] = result.comparisons;
      // Seizure windows: 37 + 42 + 37 (wholly inside each accepted span); rejected: 23 per artefact.
      expect(comparison!.windows).toMatchObject({ seizure: 116, rejected: 138 });
      expect(comparison!.all.after.acceptedFound).toBe(3);
      expect(comparison!.all.after.rejectedAlarmed).toBe(0);
      expect(comparison!.all.after.falseAlarms).toBe(0);
      expect(comparison!.heldOut).toBeNull();
    } finally {
      result.neural.model.dispose();
    }
  }, 120_000);
});
