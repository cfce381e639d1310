/**
 * Dataset-level FISBe scores (`summarize.py`): F1 per threshold from the summed TP / FP / FN of all
 * samples, C as the mean over all GT instances' coverages, S = ½ mean F1 + ½ C; complete and partly
 * labelled sets separately, and "combined" as the mean of the two sets' scores.
 */
import type { FisbeMetrics } from '../../../shared/api/index.js';
import { f32, mean32, mean64, sum64 } from './numeric.js';

export interface SetScore {
  /** S of the set. */
  score: number;
  avFscore: number;
  avgGtSkelCoverage: number;
  /** F1 per threshold 0.1 … 0.9. */
  fscores: number[];
  numGt: number;
  numPred: number;
  tp05: number;
  fp05: number;
  fn05: number;
  tp05Rel: number;
  avgTp05ClDice: number;
  falseMerges: number;
  falseSplits: number;
  gtCoverages: number[];
  tp05ClDice: number[];
  samples: number;
}

export interface DatasetScore {
  complete: SetScore | null;
  partly: SetScore | null;
  /** Both sets: the mean of their scores; one set alone: that set. */
  combined: SetScore;
}

const F1_THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/** `average_flylight_score_over_instances`. */
export function scoreSet(samples: readonly FisbeMetrics[]): SetScore {
  const row = (metrics: FisbeMetrics, threshold: number) => metrics.thresholds.find((r) => r.threshold === threshold)!;
  const fscores = F1_THRESHOLDS.map((threshold) => {
    const tp = sum64(samples.map((m) => row(m, threshold).tp));
    const fp = sum64(samples.map((m) => row(m, threshold).fp));
    const fn = sum64(samples.map((m) => row(m, threshold).fn));
    const denominator = 2 * tp + fp + fn;
    return denominator > 0 ? (2 * tp) / denominator : 0;
  });
  // The evaluator reads coverages back as float32 before averaging them over instances.
  const gtCoverages = samples.flatMap((m) => m.gtSkelCoverage.map(f32));
  const tp05ClDice = samples.flatMap((m) => m.tp05ClDice.map(f32));
  const coverage = gtCoverages.length ? mean32(gtCoverages) : 0;
  const avFscore = mean64(fscores);
  const numGt = sum64(samples.map((m) => m.numGt));
  const tp05 = sum64(samples.map((m) => m.tp05));
  return {
    score: 0.5 * avFscore + 0.5 * coverage,
    avFscore,
    avgGtSkelCoverage: coverage,
    fscores,
    numGt,
    numPred: sum64(samples.map((m) => m.numPred)),
    tp05,
    fp05: sum64(samples.map((m) => row(m, 0.5).fp)),
    fn05: sum64(samples.map((m) => row(m, 0.5).fn)),
    tp05Rel: numGt > 0 ? tp05 / numGt : 0,
    avgTp05ClDice: tp05 > 0 ? mean32(tp05ClDice) : 0,
    falseMerges: sum64(samples.map((m) => m.falseMerges)),
    falseSplits: sum64(samples.map((m) => m.falseSplits)),
    gtCoverages,
    tp05ClDice,
    samples: samples.length,
  };
}

/** `average_sets`: the combined score of the complete and partly sets. */
function combineSets(a: SetScore, b: SetScore): SetScore {
  const numGt = a.numGt + b.numGt;
  const tp05 = a.tp05 + b.tp05;
  const tp05ClDice = [...a.tp05ClDice, ...b.tp05ClDice];
  return {
    score: mean64([a.score, b.score]),
    avFscore: mean64([a.avFscore, b.avFscore]),
    avgGtSkelCoverage: mean64([a.avgGtSkelCoverage, b.avgGtSkelCoverage]),
    fscores: a.fscores.map((value, i) => mean64([value, b.fscores[i]!])),
    numGt,
    numPred: a.numPred + b.numPred,
    tp05,
    fp05: a.fp05 + b.fp05,
    fn05: a.fn05 + b.fn05,
    tp05Rel: numGt > 0 ? tp05 / numGt : 0,
    avgTp05ClDice: tp05ClDice.length ? mean32(tp05ClDice) : Number.NaN,
    falseMerges: a.falseMerges + b.falseMerges,
    falseSplits: a.falseSplits + b.falseSplits,
    gtCoverages: [...a.gtCoverages, ...b.gtCoverages],
    tp05ClDice,
    samples: a.samples + b.samples,
  };
}

/** `aggregate_and_report`: split by the partly flag when both kinds are present. */
export function scoreDataset(samples: readonly { metrics: FisbeMetrics; partly: boolean }[]): DatasetScore {
  const complete = samples.filter((s) => !s.partly).map((s) => s.metrics);
  const partly = samples.filter((s) => s.partly).map((s) => s.metrics);
  if (complete.length > 0 && partly.length > 0) {
    const a = scoreSet(complete);
    const b = scoreSet(partly);
    return { complete: a, partly: b, combined: combineSets(a, b) };
  }
  return { complete: null, partly: null, combined: scoreSet(samples.map((s) => s.metrics)) };
}

/**
 * Sample names of the partly labelled set in the benchmark's `sample_list_per_split.txt`
 * (`load_partly_config`): the names listed after "(2) samples for FlyLight partly:".
 */
export function parsePartlySamples(text: string): Set<string> {
  const partly = new Set<string>();
  let inPartly = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.includes('(1) samples for FlyLight completely:')) inPartly = false;
    else if (line.includes('(2) samples for FlyLight partly:')) inPartly = true;
    else if (line.endsWith(':') && ['train', 'val', 'test'].includes(line.slice(0, -1))) continue;
    else if (inPartly) partly.add(line);
  }
  return partly;
}
