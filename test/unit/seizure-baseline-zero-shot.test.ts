/**
 * The shipped default model scored zero-shot on the segments its card holds out: the card's own
 * per-segment metrics (written by scripts/train-seizure-default.ts) must be what the evaluation
 * measures — same segments, same score, same threshold. Skipped without ../shared/data.
 */
import { describe, expect, it } from 'vitest';
import { activateBackend } from '../../main/compute/index.js';
import { readSegmentFolder } from '../../main/io/segments/index.js';
import { SEGMENT_TASKS } from '../../main/pipelines/seizure/baseline/tasks.js';
import { cardHeldOut, evaluateZeroShot } from '../../main/pipelines/seizure/baseline/zero-shot.js';
import { defaultModelDir, hasDefaultSeizureModel, loadDefaultSeizureModel, readDefaultModelCard } from '../../main/pipelines/seizure/neural/default-model.js';
import { dataFile, hasSharedData } from '../helpers/data.js';

describe('model card held-out ids', () => {
  it('refuses a card without them, naming the file', () => {
    expect(() => cardHeldOut({ parameters: { threshold: 0.5 } }, '/x/card.json')).toThrow(/\/x\/card.json: the model card has no trainingData.heldOut.ids/);
    expect(cardHeldOut({ trainingData: { heldOut: { ids: { bonn: ['A/Z001'] } } } }, 'c').threshold).toBe(0.5);
  });
});

describe.skipIf(!hasSharedData() || !hasDefaultSeizureModel())('shipped default model, zero-shot on its held-out segments', () => {
  it("matches the card's own segment metrics for Bonn (ABCD vs E) and New Delhi", async () => {
    const tf = await activateBackend('cpu');
    const neural = await loadDefaultSeizureModel(tf);
    try {
      const modelCard = readDefaultModelCard();
      const heldOut = cardHeldOut(modelCard, defaultModelDir());
      const metrics = modelCard.metrics as Record<string, { segments: { tp: number; fp: number; tn: number; fn: number } }>;
      for (const [taskId, folder, name] of [
        ['bonn-ABCD-E', 'bonn_andrzejak2001', 'bonn'],
        ['delhi-3', 'delhi_swami2016', 'delhi'],
      ] as const) {
        const task = SEGMENT_TASKS.find((t) => t.id === taskId)!;
        const result = evaluateZeroShot(task, readSegmentFolder(dataFile('eeg', folder)), neural, heldOut);
        const [[tp, fn], [fp, tn]] = result.metrics.confusion as [[number, number], [number, number]];
        const card = metrics[name]!.segments;
        expect({ tp, fp, tn, fn }, name).toEqual({ tp: card.tp, fp: card.fp, tn: card.tn, fn: card.fn });
      }
    } finally {
      neural.model.dispose();
    }
  }, 60_000);
});
