/**
 * A small NTF result in code, shaped as the engine's `ntf.result` and `ntf.affinity` replies
 * (shared/api/ntf.ts): 6 neurons in two communities, 2 components, 2 animals, a sweep over ranks
 * 1–4. Used by the ntf-* unit tests.
 */
import type { NtfAffinity, NtfComponent, NtfResult } from '../../../shared/api/index.js';

/** Symmetric n × n with `inside` within blocks and `across` between them (zero diagonal). */
export function blockMatrix(blocks: readonly number[], inside: number, across: number): Float32Array {
  const n = blocks.length;
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) if (i !== j) m[i * n + j] = blocks[i] === blocks[j] ? inside : across;
  return m;
}

const BLOCKS_0 = [5, 5, 2, 2, 2, 5];
const BLOCKS_1 = [0, 1, 1, 0, 3, 3];

function component(index: number, blocks: number[]): NtfComponent {
  return {
    index,
    weight: 10 - index,
    timeCourse: Array.from({ length: 8 }, (_, t) => (index === 0 ? t : 8 - t) / 8),
    animalWeights: index === 0 ? [0.8, 0.6] : [0.2, 0.98],
    communities: { method: 'sbm', blocks, count: new Set(blocks).size, score: 120.5, degreeCorrected: index === 0 },
    baseline: { method: 'louvain', blocks, count: new Set(blocks).size + index, score: 0.41, degreeCorrected: null },
  };
}

export const RESULT: NtfResult = {
  runId: 4,
  createdAt: '2026-11-23T10:00:00.000Z',
  animals: [
    { recordingId: 1, name: '2022-07-26-31-data', source: '/data/a.h5', frameRateHz: 1.667 },
    { recordingId: 2, name: '2022-07-27-31-data', source: '/data/b.h5', frameRateHz: 1.667 },
  ],
  neurons: ['AVAL', 'AVAR', 'RIML', 'RIMR', 'SMDVL', 'NSML'].map((name, index) => ({ index, name, position: null })),
  binDurationS: 0.6,
  binCount: 8,
  epochs: [{ label: 'heat', startBin: 2, endBin: 4 }],
  sweep: [1, 2, 3, 4].map((rank) => ({
    rank,
    errors: [0.9 - rank * 0.15, 0.92 - rank * 0.15],
    similarity: rank <= 2 ? 0.98 : 0.6,
    iterations: [50, 60],
    durationMs: 10 * rank,
  })),
  suggestedRank: 2,
  rankReasoning: ['The error drops by less than 5 % after rank 2.', 'Restarts agree (similarity 0.98) up to rank 2.'],
  rank: 2,
  components: [component(0, BLOCKS_0), component(1, BLOCKS_1)],
  timingsMs: { preprocess: 5, affinity: 3, sweep: 80, communities: 12 },
  params: { minRank: 1, maxRank: 4, restarts: 2 },
};

/** Component 0's affinity: community 5 (neurons 0, 1, 5) stronger than community 2 (2, 3, 4). */
export function affinity0(): NtfAffinity {
  const matrix = blockMatrix(BLOCKS_0, 1, 0.1);
  // Strengthen community 5 so it comes first in the order, as the engine orders by strength.
  for (const i of [0, 1, 5]) for (const j of [0, 1, 5]) if (i !== j) matrix[i * 6 + j] = 2;
  return { runId: 4, component: 0, neuronCount: 6, matrix, order: [0, 1, 5, 2, 3, 4] };
}
