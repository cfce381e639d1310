/**
 * The `jepa-import` pipeline (`cajal jepa import`): a Brain-JEPA checkpoint from outside (the
 * official code's .pth/.pth.tar, or safetensors in the reference layout or ours) becomes a model of
 * the project (pipeline `jepa`, the bundle format of pretraining), so the probe and `jepa-pretrain`
 * (resumeFromModelId) take it like one trained here. It is a run, not a direct write, because that
 * is how models enter the project: the run keeps the file, the parameters, the code version and
 * the log (where the head count came from, what was not imported), and the file is read in a worker
 * (a ViT-B checkpoint with its optimizer state is over 1 GB). See import-checkpoint.ts for what
 * is inferred, what is required and what is refused.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { BackendName } from '../../../shared/api/index.js';
import { activateBackend } from '../../compute/activate.js';
import { ValidationError } from '../../errors.js';
import type { PipelineDefinition } from '../../jobs/pipeline.js';
import { JEPA_BUNDLE_FORMAT, JEPA_MODEL_PIPELINE } from './bundle.js';
import { importJepaCheckpoint } from './import-checkpoint.js';

export const JEPA_IMPORT_PIPELINE = 'jepa-import';

export const JepaImportParams = z
  .object({
    /** Absolute path of the .pth / .pth.tar / .pt or .safetensors file. */
    file: z.string().min(1).max(4096),
    /** Absolute path of the gradient CSV (gradient_mapping_450.csv layout); needed unless the file holds them. */
    gradientCsv: z.string().min(1).max(4096).optional(),
    /** Attention heads, where neither the file nor a named architecture says. */
    heads: z.number().int().min(1).max(1024).optional(),
    name: z.string().min(1).max(200).optional(),
    /** Weights are only loaded and checked here: the plain CPU backend does, on any machine. */
    backend: BackendName.default('cpu'),
  })
  .strict();
export type JepaImportParams = z.infer<typeof JepaImportParams>;

const jepaImport: PipelineDefinition<JepaImportParams> = {
  name: JEPA_IMPORT_PIPELINE,
  title: 'Brain-JEPA checkpoint import',
  description: 'Imports a Brain-JEPA checkpoint of the reference architecture (official .pth.tar or safetensors) as a model of the project: architecture from the tensor shapes, gradients from a CSV, every key checked.',
  input: 'none',
  producesModel: { pipeline: JEPA_MODEL_PIPELINE },
  params: JepaImportParams as unknown as z.ZodType<JepaImportParams>,
  async run(context) {
    const params = context.params;
    // The worker's working folder is nobody's choice (the CLI resolves relative paths first).
    for (const [field, path] of [['file', params.file], ['gradientCsv', params.gradientCsv]] as const) {
      if (path !== undefined && !isAbsolute(path)) throw new ValidationError(field, `${path} is a relative path; give an absolute path`);
    }
    context.progress(0.05, `reading ${params.file}`);
    const tf = await activateBackend(params.backend);
    const imported = await importJepaCheckpoint(tf, params.file, {
      ...(params.gradientCsv ? { gradientCsv: params.gradientCsv } : {}),
      ...(params.heads !== undefined ? { heads: params.heads } : {}),
    });
    const { model } = imported.config;
    const summary = imported.summary as { imported: { headsFrom: string } };
    context.log(`${model.name} architecture: ${model.embedDim} wide, ${model.depth} blocks, ${model.heads} heads (from ${summary.imported.headsFrom}); predictor ${model.predictorDim} × ${model.predictorDepth}; ${model.rois} ROIs × ${model.frames} frames (${model.frames / model.patchSize} patches of ${model.patchSize}); ${model.gradientDims} gradient components`);
    for (const note of imported.notes) context.log(note, 'warn');
    context.progress(1, 'imported');
    const name = params.name ?? `Brain-JEPA (imported ${params.file.split(/[\\/]/).pop()})`;
    return {
      results: [{ key: 'import', value: { ...imported.summary, notes: imported.notes } }],
      model: { name, format: JEPA_BUNDLE_FORMAT, meta: imported.summary, weights: imported.bytes },
    };
  },
};

export default jepaImport;
