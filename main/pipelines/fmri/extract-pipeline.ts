/**
 * The `fmri-extract` pipeline: ROI time series of a 4D BOLD run with a label atlas (another
 * recording of the project, named by `atlasRecordingId`), as nilearn's NiftiLabelsMasker (module
 * A's `extractRoiSeries`). Stored region-major ([R, T]) with the regions' atlas values and names.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { readAtlasLabels } from '../../io/atlas/index.js';
import { openNifti } from '../../io/nifti/index.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { asCancelled, cancelSignal } from './cancel.js';
import { extractRoiSeries } from './extract.js';

const Hz = z.number().positive().max(1e3).nullable();

export const ExtractParams = z
  .object({
    atlasRecordingId: z.number().int().positive(),
    detrend: z.boolean().default(false),
    standardize: z.boolean().default(false),
    highPassHz: Hz.default(null),
    lowPassHz: Hz.default(null),
  })
  .strict()
  .refine((p) => p.highPassHz === null || p.lowPassHz === null || p.highPassHz < p.lowPassHz, {
    message: 'the high-pass cut-off must be below the low-pass cut-off',
    path: ['highPassHz'],
  });
export type ExtractParams = z.infer<typeof ExtractParams>;

const extractPipeline: PipelineDefinition<ExtractParams> = {
  name: 'fmri-extract',
  title: 'ROI time series (atlas)',
  description: 'Mean BOLD signal per atlas region, with optional linear detrend, z-scoring and Butterworth band-pass, as nilearn’s NiftiLabelsMasker.',
  input: 'recording',
  recordingKinds: ['fmri'],
  linkedRecordings: { atlasRecordingId: ['brain-map'] },
  params: ExtractParams as unknown as z.ZodType<ExtractParams>,
  async run(context) {
    const recording = context.recording!;
    const atlasRecording = context.linked.atlasRecordingId!;
    const atlasBrain = atlasRecording.metadata.brain;
    if (atlasBrain?.type !== 'atlas' && atlasBrain?.type !== 'volume') {
      throw new ValidationError('params.atlasRecordingId', `recording ${atlasRecording.id} (${basename(atlasRecording.sourcePath)}) is not a label atlas (a 3D NIfTI image)`);
    }
    const { detrend, standardize, highPassHz, lowPassHz } = context.params;
    context.progress(0, 'opening the images');
    const bold = await openNifti(recording.sourcePath);
    const cancel = cancelSignal(context);
    try {
      const atlas = await openNifti(atlasRecording.sourcePath);
      try {
        const extracted = await extractRoiSeries(bold, atlas, { detrend, standardize, highPassHz, lowPassHz }, (f) => context.progress(0.95 * f, 'reading volumes'), cancel.signal).catch((error: unknown) => {
          throw asCancelled(error, context);
        });
        context.throwIfCancelled();
        const labels = atlasBrain.labelsFile ? await readAtlasLabels(atlasBrain.labelsFile) : [];
        const nameOf = new Map(labels.map((l) => [l.index, l.name]));
        const names = extracted.labels.map((label) => nameOf.get(label) ?? `region ${label}`);
        if (extracted.emptyLabels.length) {
          context.log(`${extracted.emptyLabels.length} atlas regions have no voxel in the BOLD grid and no series: ${extracted.emptyLabels.map((l) => nameOf.get(l) ?? l).slice(0, 20).join(', ')}`, 'warn');
        }
        context.log(`${extracted.regionCount} regions × ${extracted.timepoints} volumes${extracted.trS ? `, TR ${extracted.trS} s` : ''}`);
        return [
          { key: 'series', value: null, array: { data: extracted.data, shape: [extracted.regionCount, extracted.timepoints] } },
          { key: 'regions', value: { indices: extracted.labels, names } },
          { key: 'trS', value: extracted.trS },
        ];
      } finally {
        await atlas.close();
      }
    } finally {
      cancel.dispose();
      await bold.close();
    }
  },
};

export default extractPipeline;
