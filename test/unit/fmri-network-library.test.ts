/** Issue #18: the Library's sections and columns for the five brain kinds. */
import { describe, expect, it } from 'vitest';
import type { BrainMetadata, Recording, RecordingMetadata } from '../../shared/api/index.js';
import { recordingsBySection, UNKNOWN } from '../../renderer/src/workbench/libraryColumns.js';

const base: RecordingMetadata = { signals: [], channelCount: 0, sampleRateHz: 0, durationS: 0, startDateTime: '', patient: '', recordingInfo: '', dataRecordCount: 0, dataRecordDurationS: 0 };

function recording(id: number, name: string, format: Recording['format'], modality: RecordingMetadata['modality'], brain: Partial<BrainMetadata> & Pick<BrainMetadata, 'type'>): Recording {
  return {
    id,
    sourcePath: `/data/${name}`,
    sizeBytes: 1_000_000,
    sha256: 'a'.repeat(64),
    format,
    metadata: { ...base, modality, brain: { description: '', warnings: [], ...brain } },
    importedAt: '',
  };
}

const bold = recording(1, 'bold.nii.gz', 'nifti1', 'fmri', { type: 'bold', dims: [61, 73, 61, 168], voxelSizeMm: [3, 3, 3, 2.5], trS: 2.5, volumeCount: 168 });
const atlas = recording(2, 'aal.nii.gz', 'nifti1', 'brain-map', { type: 'atlas', dims: [91, 109, 91], voxelSizeMm: [2, 2, 2.5], regionCount: 116 });
const mesh = recording(3, 'BrainMesh_ICBM152.lh.mz3', 'mz3', 'brain-map', { type: 'surface', vertexCount: 81924, hemisphere: 'left' });
const series = recording(4, 'hcp.mat', 'mat', 'roi-series', { type: 'roi-series', regionCount: 94, timepoints: 1200, trS: 0.72 });
const subject = (id: string, diagnosis: string, site: string) => ({ id, file: `${id}.mat`, labels: { diagnosis, site, sex: 'M', age: 20 } });
const cohort = recording(5, 'abide', 'roi-cohort', 'cohort', {
  type: 'cohort',
  regionCount: 116,
  cohort: {
    phenotypeFile: 'labels_100.csv',
    labelColumns: ['diagnosis', 'site'],
    subjects: [subject('1', 'ASD', 'PITT'), subject('2', 'control', 'PITT'), subject('3', 'ASD', 'NYU')],
    timepointsMin: 146,
    timepointsMax: 296,
  },
});
const nodes = recording(6, 'Node_AAL90.node', 'brainnet-node', 'brain-graph', { type: 'nodes', nodeCount: 90 });
const edges = recording(7, 'Edge_AAL90_Weighted.edge', 'brainnet-edge', 'brain-graph', { type: 'edges', nodeCount: 90 });

function table(recordings: Recording[]) {
  return recordingsBySection(recordings).map(({ section, recordings: rs }) => ({
    title: section.title,
    rows: rs.map((r) => Object.fromEntries(section.columns.map((column) => [column.header, column.cell(r)]))),
  }));
}

describe('Library sections for brain recordings', () => {
  const sections = table([bold, atlas, mesh, series, cohort, nodes, edges]);
  const rowsOf = (title: string) => sections.find((s) => s.title === title)!.rows;

  it('gives each brain kind its own section', () => {
    expect(sections.map((s) => s.title)).toEqual(['fMRI runs', 'Brain maps', 'ROI time series', 'Cohorts', 'Brain networks']);
  });

  it('describes an fMRI run by its grid, voxel size, TR and volumes', () => {
    expect(rowsOf('fMRI runs')[0]).toEqual({ Format: 'NIFTI1', Dimensions: '61 × 73 × 61', Voxel: '3 mm', TR: '2.5 s', Volumes: '168', Size: '1.0 MB' });
  });

  it('describes brain maps: an atlas with its regions, a surface by vertices and hemisphere', () => {
    const [a, s] = rowsOf('Brain maps');
    expect(a).toMatchObject({ Type: 'label atlas', Dimensions: '91 × 109 × 91', Voxel: '2 × 2 × 2.5 mm', Regions: '116' });
    expect(s).toMatchObject({ Type: 'surface (left)', Dimensions: '81,924 vertices', Voxel: UNKNOWN, Regions: UNKNOWN });
  });

  it('describes ROI series as regions × timepoints, cohorts by subjects and diagnoses, networks by nodes and edges', () => {
    expect(rowsOf('ROI time series')[0]).toMatchObject({ Regions: '94', Timepoints: '1,200', TR: '0.72 s' });
    expect(rowsOf('Cohorts')[0]).toEqual({ Format: 'ROI-COHORT', Subjects: '3', Diagnosis: 'ASD 2 · control 1', Sites: '2', Regions: '116', Timepoints: '146–296' });
    expect(rowsOf('Brain networks')).toEqual([
      { Format: 'BRAINNET-NODE', Nodes: '90', Edges: 'none', Size: '1.0 MB' },
      { Format: 'BRAINNET-EDGE', Nodes: '90', Edges: '90 × 90 weights', Size: '1.0 MB' },
    ]);
  });
});
