/**
 * The `fmri-connectivity` pipeline: functional connectivity of an ROI series or of every subject of
 * a cohort (nilearn's ConnectivityMeasure kinds, module D), stored as one [S, R, R] array with the
 * subjects and region names, and for tangent the group's geometric mean.
 */
import { z } from 'zod';
import { ConnectivityKind } from '../../../shared/api/index.js';
import { ValidationError } from '../../errors.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { connectivity } from './connectivity.js';
import { readSeriesInput, stackMatrices } from './series-input.js';

export const ConnectivityParams = z.object({ kind: ConnectivityKind.default('pearson') }).strict();
export type ConnectivityParams = z.infer<typeof ConnectivityParams>;

const connectivityPipeline: PipelineDefinition<ConnectivityParams> = {
  name: 'fmri-connectivity',
  title: 'Functional connectivity',
  description: 'Pearson, partial (Ledoit–Wolf) or tangent-space connectivity matrices of an ROI series or of every subject of a cohort, as nilearn’s ConnectivityMeasure.',
  input: 'recording',
  recordingKinds: ['roi-series', 'cohort'],
  params: ConnectivityParams as unknown as z.ZodType<ConnectivityParams>,
  async run(context) {
    const recording = context.recording!;
    const { kind } = context.params;
    const input = await readSeriesInput(recording, context, [0, 0.6]);
    if (kind === 'tangent' && input.series.length < 2) {
      throw new ValidationError('params.kind', 'tangent connectivity is relative to a group mean: run it on a cohort, not one series');
    }
    context.throwIfCancelled();
    context.progress(0.6, `${kind} connectivity of ${input.series.length} series`);
    const result = connectivity(input.series, kind);
    const n = result.regionCount;
    context.log(`${input.series.length} series, ${n} regions, ${kind}`);
    return [
      { key: 'matrices', value: null, array: { data: stackMatrices(result.matrices, n), shape: [result.matrices.length, n, n] } },
      { key: 'subjects', value: input.subjects },
      { key: 'regionNames', value: input.regionNames },
      { key: 'kind', value: kind },
      ...(kind === 'tangent' && result.mean ? [{ key: 'mean', value: null, array: { data: Float64Array.from(result.mean), shape: [n, n] } }] : []),
    ];
  },
};

export default connectivityPipeline;
