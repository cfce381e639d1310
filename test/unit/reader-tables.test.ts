/**
 * The reader tables `io/` dispatches through: recording formats (`RECORDING_READERS`, behind
 * `inspectRecording`) and volume formats (`VOLUME_FORMATS`, behind `openVolume`). Each format a
 * recording can have is read by exactly one entry, the messages that list what is supported come
 * from the tables, and the tables cannot be changed by a caller.
 */
import { describe, expect, it } from 'vitest';
import { RecordingFormat } from '../../shared/api/index.js';
import { RECORDING_READERS, SUPPORTED_FORMATS } from '../../main/io/recording.js';
import { VOLUME_FORMATS } from '../../main/io/volumes.js';

describe('RECORDING_READERS', () => {
  it('reads every recording format in exactly one entry', () => {
    const formats = RECORDING_READERS.flatMap((reader) => reader.formats);
    expect([...formats].sort()).toEqual([...RecordingFormat.options].sort());
  });

  it('tries the binary signatures first (EDF, NIfTI, GIfTI/mz3), then the text formats and spike trains before calcium (whose NWB sniff would take a units file and whose CSV sniff would take SWC, edge matrices and ROI tables)', () => {
    expect(RECORDING_READERS.map((reader) => reader.id)).toEqual(['edf-family', 'nifti', 'surface', 'swc', 'brain-graph', 'roi-series', 'spikes', 'calcium', 'cohort']);
    expect(RECORDING_READERS.map((reader) => reader.modality)).toEqual(['eeg', 'fmri', 'brain-map', 'morphology', 'brain-graph', 'roi-series', 'spikes', 'calcium', 'cohort']);
  });

  it('names what is supported, by modality', () => {
    expect(SUPPORTED_FORMATS).toBe(
      'EDF, EDF+, BDF, BDF+; calcium imaging: Suite2p folders, NWB, HDF5, CSV; morphologies: SWC; fMRI and brain maps: NIfTI-1, NIfTI-2 (.nii, .nii.gz); brain surfaces: GIfTI, mz3; ROI time series: MATLAB .mat, CSV/TSV, AFNI .1D; cohorts: folders of ROI files with a phenotype table; brain networks: BrainNet .node/.edge, coordinate tables; spike trains: NWB units, NumPy spike-time arrays, Kilosort/Phy folders, text spike times',
    );
  });

  it('is read-only', () => {
    expect(Object.isFrozen(RECORDING_READERS)).toBe(true);
    for (const reader of RECORDING_READERS) {
      expect(Object.isFrozen(reader)).toBe(true);
      expect(Object.isFrozen(reader.formats)).toBe(true);
    }
  });
});

describe('VOLUME_FORMATS', () => {
  it('lists each volume format once, folders by their contents and files by signature', () => {
    expect(VOLUME_FORMATS.map((format) => format.id)).toEqual(['zarr', 'zarr-zip', 'hdf5', 'tiff']);
    for (const format of VOLUME_FORMATS) expect(Boolean(format.folder) !== Boolean(format.signatures?.length)).toBe(true);
    expect(Object.isFrozen(VOLUME_FORMATS)).toBe(true);
  });
});
