/**
 * The `jepa-probe` pipeline (`cajal jepa probe`): the evaluation of Brain-JEPA on a labelled
 * cohort. For each target (diagnosis, sex) and each of the k folds stratified by site and target
 * (the connectivity baseline's folds), an encoder is pretrained on that fold's training subjects only
 * (their own crop, scaler and brain gradients; a seeded tenth held out for the validation loss), and
 * the same architecture at the very initialisation it started from stands beside it. Both are probed
 * (the reference's linear-probe head, and logistic regression) and compared with the connectivity +
 * logistic-regression baseline on the same folds (evaluate.ts). Label-free checks ride along: the
 * effective rank of the pooled features and subject identification between the two halves of each
 * held-out scan. Each fitted probe also gets its ROI-importance map on the fold's held-out subjects
 * (importance.ts; result "roi-importance"). Every hyper-parameter is fixed before the folds are drawn.
 */
import { z } from 'zod';
import { BackendName, ConnectivityKind, type JepaFeatureSource, type JepaProbeKind, type JepaRoiImportance } from '../../../shared/api/index.js';
import { deriveSeed } from '../../../shared/random.js';
import { activateBackend } from '../../compute/activate.js';
import { selectBackend } from '../../compute/select.js';
import { ValidationError } from '../../errors.js';
import { CancelledError, type PipelineDefinition } from '../../jobs/pipeline.js';
import type { ResultItem } from '../../store/index.js';
import { connectivity, connectivityFeatures, tangentProgress } from '../fmri/connectivity.js';
import { readSeriesInput } from '../fmri/series-input.js';
import { halvesCoverCrop, splitHalves, type JepaSeries } from './data.js';
import { DEFAULT_EVALUATION, evaluateJepa, subjectIdentification, type EvaluationSubject, type FoldFeatures, type FoldSpec, type ProbeTarget } from './evaluate.js';
import { pooledFeatures, type FeatureInput } from './features.js';
import { modelPooled, probeScore, roiImportance, summariseImportance, type PooledFunction } from './importance.js';
import { createJepaModel } from './model.js';
import { REFERENCE_MASK_CONFIG } from './masks.js';
import { prepareJepaInput } from './prepare.js';
import { optimConfig, JepaPretrainParams, splitSubjects } from './pretrain-pipeline.js';
import { effectiveRank } from './rank.js';
import { JepaCancelled, trainJepa, type JepaSubject } from './train.js';

export const JEPA_PROBE_PIPELINE = 'jepa-probe';

export const JepaProbeParams = z
  .object({
    config: z.enum(['tiny', 'small', 'base']).default('tiny'),
    /** Pretraining epochs inside each fold. */
    epochs: z.number().int().min(1).max(10_000).default(100),
    batchSize: z.number().int().min(2).max(1024).default(16),
    folds: z.number().int().min(2).max(20).default(5),
    targets: z.array(z.enum(['diagnosis', 'sex'])).min(1).default(['diagnosis', 'sex']),
    /** The connectivity baseline's measure (fmri-classify's default). */
    baselineKind: ConnectivityKind.default('tangent'),
    C: z.number().positive().max(1e6).default(1),
    seed: z.number().int().nonnegative().max(0xffffffff).default(0),
    crop: z.number().int().positive().max(4096).optional(),
    normalisation: z.enum(['auto', 'robust', 'sample-zscore']).default('auto'),
    backend: BackendName.optional(),
  })
  .strict();
export type JepaProbeParams = z.infer<typeof JepaProbeParams>;

/**
 * The encoders whose probes get ROI-importance maps (importance.ts): the reference's probe input and
 * the random-init control (a map it shares is the encoder's, not what the probe learnt). One
 * backward pass over the held-out subjects per probe, each about a fold's pretraining epoch on wasm:
 * the context encoder's are left out to keep the run's time.
 */
const IMPORTANCE_SOURCES: readonly JepaFeatureSource[] = ['pretrained', 'random-init'];
const IMPORTANCE_METHOD = "first-order occlusion: |Σ gradient × input| of the probe's score through the frozen encoder over each ROI's frames of the centre crop, averaged over each fold's held-out subjects, as shares of the fold's total";

/** Per fold: the pretraining's loss curve and the label-free checks. */
interface FoldRecord {
  target: ProbeTarget;
  fold: number;
  trainSubjects: number;
  epochs: number[];
  trainLoss: number[];
  validationLoss: (number | null)[];
  rank: { pretrained: number; random: number };
  identification: { pretrained: number; random: number; subjects: number } | null;
  seconds: number;
}

const jepaProbe: PipelineDefinition<JepaProbeParams> = {
  name: JEPA_PROBE_PIPELINE,
  title: 'Brain-JEPA probe evaluation',
  description: 'Cross-validated linear probing of Brain-JEPA pretrained inside each fold, against the same encoder at random init and the connectivity baseline on the same folds.',
  input: 'recording',
  recordingKinds: ['cohort'],
  params: JepaProbeParams as unknown as z.ZodType<JepaProbeParams>,
  async run(context) {
    const params = context.params;
    const recording = context.recording!;
    const input = await readSeriesInput(recording, context, [0, 0.02]);
    const columns = recording.metadata.brain?.cohort?.labelColumns ?? [];
    for (const target of params.targets) if (!columns.includes(target)) throw new ValidationError('params.targets', `the cohort has no label "${target}" (labels: ${columns.join(', ')})`);
    const label = (i: number, key: string) => {
      const value = input.cohortSubjects[i]!.labels[key];
      return value === null || value === undefined || value === '' ? null : String(value);
    };
    const keep = input.subjects.flatMap((_, i) => (params.targets.every((t) => label(i, t) !== null) && label(i, 'site') !== null ? [i] : []));
    if (keep.length < input.subjects.length) context.log(`${input.subjects.length - keep.length} subjects lack a site or a target label and are left out`, 'warn');
    const subjects: EvaluationSubject[] = keep.map((i) => ({ id: input.subjects[i]!, site: label(i, 'site')!, labels: { diagnosis: label(i, 'diagnosis') ?? '', sex: label(i, 'sex') ?? '' } }));
    const series: JepaSubject[] = keep.map((i) => ({ id: input.subjects[i]!, data: input.series[i]!.data, regions: input.series[i]!.regionCount, timepoints: input.series[i]!.timepoints }));
    const trS = keep.map((i) => input.series[i]!.trS ?? Number.NaN);
    // Each subject's series and TR by id, once for every fold.
    const byId = new Map(series.map((s, k) => [s.id, { series: s, trS: trS[k]! }]));

    context.progress(0.02, `${params.baselineKind} connectivity of ${keep.length} subjects (the baseline)`);
    const conn = connectivity(keep.map((i) => input.series[i]!), params.baselineKind, tangentProgress(context, [0.02, 0.05]));
    const baseline = connectivityFeatures(conn);
    const backend = params.backend ?? (await selectBackend()).selected;
    const tf = await activateBackend(backend);
    context.log(`${params.config} encoder pretrained ${params.epochs} epoch${params.epochs === 1 ? '' : 's'} inside each of ${params.folds} folds per target, on ${backend}`);

    const pretrainParams = JepaPretrainParams.parse({ config: params.config, epochs: params.epochs, batchSize: params.batchSize, seed: params.seed, ...(params.crop ? { crop: params.crop } : {}) });
    const records: FoldRecord[] = [];
    // Per target/features/probe: each fold's ROI-importance map and the held-out subjects it averages.
    const importance = new Map<string, { folds: Float64Array[]; subjects: number }>();
    const totalFolds = params.folds * params.targets.length;
    const encodeFold = async (fold: FoldSpec): Promise<FoldFeatures> => {
      const started = performance.now();
      const done = records.length;
      const span = (fraction: number) => 0.05 + (0.95 * (done + fraction)) / totalFolds;
      const ids = fold.train.map((i) => series[i]!.id);
      const split = splitSubjects(ids, pretrainParams.validationFraction, params.seed);
      const train = split.train.map((id) => byId.get(id)!.series);
      const validation = split.validation.map((id) => byId.get(id)!.series);
      const prepared = await prepareJepaInput(train, split.train.map((id) => byId.get(id)!.trS), { config: params.config, crop: params.crop, normalisation: params.normalisation }, REFERENCE_MASK_CONFIG, (message, level) => context.log(`${fold.target} fold ${fold.fold + 1}: ${message}`, level));
      const options = { model: prepared.config, masks: REFERENCE_MASK_CONFIG, optim: optimConfig(pretrainParams), batchSize: params.batchSize, seed: params.seed, samplingRate: prepared.samplingRate, normalisation: prepared.normalisation };
      let result;
      try {
        result = await trainJepa(tf, { train, validation, rank: validation, scaler: prepared.scaler, gradients: prepared.gradients, gradientsInfo: prepared.gradientsInfo }, options, params.epochs, {
          signal: { get aborted() { return context.cancelled; } },
          onIteration: (record, p) => context.progress(span(p.fraction * 0.9), `${fold.target}, fold ${fold.fold + 1}/${params.folds}: epoch ${record.epoch}/${p.epochs}, loss ${record.loss.toFixed(4)}`),
          onEpochEnd: (record) => {
            if (record.epoch === 1 || record.epoch % 10 === 0) context.log(`${fold.target} fold ${fold.fold + 1}: epoch ${record.epoch}, loss ${record.trainLoss.toFixed(4)}, validation ${record.validationLoss?.toFixed(4) ?? '—'}, rank ${record.effectiveRank?.toFixed(1) ?? '—'}, ${Math.round(record.msPerIteration)} ms/iteration`);
          },
        });
      } catch (error) {
        if (error instanceof JepaCancelled) throw new CancelledError();
        throw error;
      }
      // The random-init twin: the initialisation the pretrained encoder started from (train.ts's init stream).
      const random = createJepaModel(tf, prepared.config, prepared.gradients, deriveSeed(params.seed, 0));
      let importanceSeconds = 0;
      const dispose = () => {
        random.dispose();
        result.dispose();
        if (importanceSeconds > 0) context.log(`${fold.target} fold ${fold.fold + 1}: ROI importance of ${IMPORTANCE_SOURCES.length * 2} probes on ${fold.test.length} held-out subjects, ${importanceSeconds.toFixed(0)} s`);
      };
      try {
        const featureInput: FeatureInput = { spec: { frames: prepared.config.frames, samplingRate: prepared.samplingRate }, normalisation: prepared.normalisation, scaler: prepared.scaler };
        const width = prepared.config.embedDim;
        const pretrained = await pooledFeatures(tf, result.model, series, featureInput);
        const randomFeatures = await pooledFeatures(tf, random, series, featureInput);
        const contextFeatures = await pooledFeatures(tf, result.model, series, featureInput, 16, 'encoder');
        // Subject identification among the fold's held-out subjects whose half-scans hold a whole crop.
        const heldOut = fold.test.filter((i) => halvesCoverCrop(series[i]!.timepoints, featureInput.spec));
        let identification: FoldRecord['identification'] = null;
        if (heldOut.length >= 2) {
          const halves = heldOut.map((i) => splitHalves(series[i]!));
          const first: JepaSeries[] = halves.map((h) => h[0]);
          const second: JepaSeries[] = halves.map((h) => h[1]);
          const ident = async (model: typeof random) => subjectIdentification(await pooledFeatures(tf, model, first, featureInput), await pooledFeatures(tf, model, second, featureInput), heldOut.length, width);
          identification = { pretrained: await ident(result.model), random: await ident(random), subjects: heldOut.length };
        }
        const history = result.state.history;
        records.push({
          target: fold.target,
          fold: fold.fold,
          trainSubjects: train.length,
          epochs: history.map((h) => h.epoch),
          trainLoss: history.map((h) => h.trainLoss),
          validationLoss: history.map((h) => h.validationLoss),
          // Centred: the spread between subjects, which the large offset shared by mean-pooled features would hide.
          rank: { pretrained: effectiveRank(pretrained, series.length, width, { centre: true }).effectiveRank, random: effectiveRank(randomFeatures, series.length, width, { centre: true }).effectiveRank },
          identification,
          seconds: (performance.now() - started) / 1000,
        });
        const last = history.at(-1);
        context.log(`${fold.target} fold ${fold.fold + 1}: loss ${history[0]?.trainLoss.toFixed(4)} → ${last?.trainLoss.toFixed(4)}, rank ${records.at(-1)!.rank.pretrained.toFixed(1)} (random init ${records.at(-1)!.rank.random.toFixed(1)}), ${records.at(-1)!.seconds.toFixed(0)} s`);
        const pooledOf: Partial<Record<JepaFeatureSource, PooledFunction>> = {
          pretrained: modelPooled(tf, result.model, 'target'),
          'random-init': modelPooled(tf, random, 'target'),
        };
        const explain = async (source: JepaFeatureSource, probe: JepaProbeKind, direction: Float64Array, subjects: readonly number[]) => {
          const pooled = pooledOf[source];
          if (!pooled || !IMPORTANCE_SOURCES.includes(source)) return;
          if (context.cancelled) throw new CancelledError();
          const began = performance.now();
          const map = await roiImportance(tf, probeScore(tf, pooled, direction), subjects.map((i) => series[i]!), featureInput, prepared.config);
          importanceSeconds += (performance.now() - began) / 1000;
          const key = `${fold.target}/${source}/${probe}`;
          importance.set(key, { folds: [...(importance.get(key)?.folds ?? []), map], subjects: (importance.get(key)?.subjects ?? 0) + subjects.length });
        };
        return { width, pretrained, random: randomFeatures, context: contextFeatures, explain, dispose };
      } catch (error) {
        dispose();
        throw error;
      }
    };

    const reports = await evaluateJepa(subjects, params.targets, encodeFold, { features: baseline.features, width: baseline.featureCount }, { ...DEFAULT_EVALUATION, folds: params.folds, C: params.C, seed: 0 }, (doneFolds, total, message) => context.progress(0.05 + (0.95 * doneFolds) / total, message));
    for (const report of reports) {
      for (const m of report.methods) context.log(`${report.target}: ${m.features}/${m.probe} AUROC ${m.mean.auroc.toFixed(3)} ± ${m.sd.auroc.toFixed(3)}, balanced accuracy ${m.mean.balancedAccuracy.toFixed(3)}`);
    }
    const roiImportanceValue: JepaRoiImportance = {
      method: IMPORTANCE_METHOD,
      regions: input.regionNames,
      maps: [...importance].map(([key, entry]) => {
        const [target, features, probe] = key.split('/') as [ProbeTarget, JepaFeatureSource, JepaProbeKind];
        const summary = summariseImportance(entry.folds);
        return { target, features, probe, mean: [...summary.mean], folds: summary.folds.map((f) => [...f]), agreement: summary.agreement, subjects: entry.subjects };
      }),
    };
    const results: ResultItem[] = [
      { key: 'evaluation', value: { targets: reports, folds: params.folds, config: params.config, epochs: params.epochs, baselineKind: params.baselineKind, subjects: subjects.length, backend } },
      { key: 'folds', value: { records } },
      { key: 'roi-importance', value: roiImportanceValue },
    ];
    return results;
  },
};

export default jepaProbe;
