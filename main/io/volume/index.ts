export * from './types.js';
export { openVolume, listDatasets, detectVolumeFormat, type VolumeFormat, type VolumeOpenOptions } from './open.js';
export { blockedSource, type VolumeSource, type DatasetEntry, type BlockReader } from './source.js';
export { expectLabelVolume, type LabelVolumeExpectation } from './label.js';
export { allocate, bytesPerVoxel, copyBox, extractBox, isVolumeDtype, zeros } from './ndarray.js';
