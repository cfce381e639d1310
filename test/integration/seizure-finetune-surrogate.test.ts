/**
 * The review → improve loop on a surrogate long recording made of real segments (E's builder: Bonn
 * C/D intracranial interictal background with Bonn E ictal runs, 2 h, seeded). The base model is a
 * per-channel detector trained on Bonn A (healthy scalp) vs E segments only, so the intracranial
 * background is new to it and it raises many false alarms there. A scripted review accepts the
 * detected events that overlap the surrogate's seizures and rejects the others; the fine-tune must
 * then raise fewer false alarms on the same recording, lose no accepted seizure, and raise fewer
 * alarms on the held-out rejected events it never saw. These are surrogates, not continuous
 * recordings: the joins are cross-faded segment boundaries (see surrogate.ts).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { readBonn } from '../../main/io/segments/bonn.js';
import { detectPerChannel } from '../../main/pipelines/seizure/channel/detect.js';
import { finetuneNeural } from '../../main/pipelines/seizure/finetune.js';
import type { Span } from '../../main/pipelines/seizure/finetune-examples.js';
import { modelToBundle, segmentFeatures, trainOnFeatures } from '../../main/pipelines/seizure/neural/index.js';
import { buildSurrogate, writeSurrogateEdf } from '../../main/pipelines/seizure/surrogate.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

if (!hasSharedData()) console.warn(`skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('fine-tuning from reviews on a Bonn surrogate recording', () => {
  const tmp = tempDir('cajal-finetune-surrogate-');
  afterAll(() => tmp.cleanup());

  it('fewer false alarms after the review, every accepted seizure kept, held-out false alarms down', async () => {
    const tf = await activateBackend('wasm');
    const bonn = readBonn(dataFile('eeg', 'bonn_andrzejak2001'));
    const trainSegments = bonn.segments.filter((s) => s.group === 'A' || s.group === 'E');
    const base = await trainOnFeatures(trainSegments.map((s) => segmentFeatures(s, 'bonn')), { input: 'per-channel', maxEpochs: 15, seed: 2 }, () => {}, { tf });
    const surrogate = buildSurrogate(bonn, { durationS: 7200, seed: 5, gapS: [300, 900] });
    const file = join(tmp.dir, 'bonn-surrogate.edf');
    writeSurrogateEdf(file, surrogate);
    const seizures = surrogate.seizures.map((s): Span => [s.onsetS, s.offsetS]);

    const detected = detectPerChannel(file, { kind: 'neural', neural: base.neural }, {}).events;
    const overlaps = (e: { onsetS: number; durationS: number }, [s, f]: Span) => e.onsetS < f && e.onsetS + e.durationS > s;
    const accepted: Span[] = [];
    const rejected: Span[] = [];
    for (const e of detected) (seizures.some((s) => overlaps(e, s)) ? accepted : rejected).push([e.onsetS, e.onsetS + e.durationS]);
    expect(accepted.length).toBeGreaterThan(0);
    expect(rejected.length).toBeGreaterThan(0);

    const weights = await modelToBundle(base.neural);
    base.neural.model.dispose();
    const result = await finetuneNeural(tf, weights, 'Bonn A vs E', [{ id: 1, file, reviewed: { accepted, rejected, unreviewed: [] } }], { channelMode: 'per-channel' }, {});
    try {
      const { totals, comparisons } = result;
      console.log(`Bonn surrogate 2 h: false alarms per 24 h ${totals.before.falseAlarmsPer24h.toFixed(0)} → ${totals.after.falseAlarmsPer24h.toFixed(0)}; accepted found ${totals.before.acceptedFound}/${totals.before.accepted} → ${totals.after.acceptedFound}/${totals.after.accepted}; held-out rejected alarmed ${totals.heldOutBefore?.rejectedAlarmed}/${totals.heldOutBefore?.rejected} → ${totals.heldOutAfter?.rejectedAlarmed}/${totals.heldOutAfter?.rejected}`);
      expect(result.verdict).toBe('fewer false alarms');
      expect(totals.after.falseAlarms).toBeLessThan(totals.before.falseAlarms);
      expect(comparisons[0]!.lostAccepted).toEqual([]);
      expect(totals.after.acceptedFound).toBe(totals.before.acceptedFound);
      expect(totals.heldOutAfter!.rejectedAlarmed).toBeLessThan(totals.heldOutBefore!.rejectedAlarmed);
      expect(totals.heldOutAfter!.acceptedFound).toBe(totals.heldOutBefore!.acceptedFound);
    } finally {
      result.neural.model.dispose();
    }
  }, 300_000);
});
