/**
 * Child process of the FISBe benchmark: reads and scores the real sample once and prints one JSON
 * line, so the parent can measure its wall time and peak memory with `/usr/bin/time -v`.
 */
import { evaluateSample } from '../main/pipelines/fisbe/evaluate.js';
import { loadSample } from '../main/pipelines/fisbe/sample.js';

const [gtPath, predPath] = process.argv.slice(2) as [string, string];
const started = performance.now();
const sample = await loadSample({ gtPath, gtDataset: 'volumes/gt_instances', predPath, predDataset: 'volumes/gmm_label_cleaned', removeSmallComponents: 800 });
const loaded = performance.now();
const { metrics } = evaluateSample(sample.gt, sample.pred, { partly: false, dimIds: sample.dimIds });
const done = performance.now();
console.log(JSON.stringify({ readS: (loaded - started) / 1000, metricsS: (done - loaded) / 1000, score: metrics.avgF1CovScore }));
