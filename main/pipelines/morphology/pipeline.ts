/**
 * The `morphometrics` pipeline: NeuroM-definition morphometrics of one imported SWC recording,
 * stored as a run with its parameters (scale, Sholl radii) so the numbers can be reproduced and
 * exported later. The same numbers `cajal morph stats` prints.
 */
import { z } from 'zod';
import { readSwc } from '../../io/swc/index.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { morphometricsCsv } from './csv.js';
import { computeMorphometrics } from './metrics.js';

export const MorphometricsParams = z
  .object({
    /** µm per file unit; omitted: coordinates as given (NeuroMorpho files are in µm). */
    scaleUmPerUnit: z.number().positive().max(1e6).optional(),
    /** Sholl radii in µm; omitted: every `shollStep` out to the farthest point. */
    shollRadii: z.array(z.number().nonnegative()).max(10_000).optional(),
    shollStep: z.number().positive().default(50),
  })
  .strict();
export type MorphometricsParams = z.infer<typeof MorphometricsParams>;

const morphometrics: PipelineDefinition<MorphometricsParams> = {
  name: 'morphology-metrics',
  formerNames: ['morphometrics'],
  title: 'Morphometrics (NeuroM definitions)',
  description: 'Lengths, counts, branch and Strahler orders, partition asymmetry, surface, volume, soma and Sholl crossings of a neuron morphology, per neurite type.',
  input: 'recording',
  recordingKinds: ['morphology'],
  params: MorphometricsParams as unknown as z.ZodType<MorphometricsParams>,
  async run(context) {
    const recording = context.recording!;
    const { scaleUmPerUnit, shollRadii, shollStep } = context.params;
    context.progress(0.1, 'reading the SWC file');
    const morphology = await readSwc(recording.sourcePath, scaleUmPerUnit === undefined ? {} : { scaleUmPerUnit });
    for (const warning of morphology.warnings) context.log(`line ${warning.line}: ${warning.message}`, 'warn');
    context.throwIfCancelled();
    context.progress(0.5, 'morphometrics');
    const metrics = computeMorphometrics(morphology, { ...(shollRadii ? { shollRadii } : {}), shollStep });
    for (const warning of metrics.warnings) context.log(warning, 'warn');
    context.log(`total length ${metrics.byType.all.totalLength.toFixed(1)}, ${metrics.byType.all.numberOfSections} sections, ${metrics.byType.all.numberOfLeaves} tips`);
    return [
      { key: 'metrics', value: metrics },
      { key: 'csv', value: morphometricsCsv([metrics]) },
    ];
  },
};

export default morphometrics;
