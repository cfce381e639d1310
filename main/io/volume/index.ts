/**
 * What the volume readers (`zarr/`, `hdf5/`, `tiff/`) share: array types, the `VolumeSource` they
 * all return, label checks and typed-array plumbing. It imports no reader; the dispatcher over the
 * readers is `../volumes.ts`.
 */
export * from './types.js';
export { blockedSource, type VolumeSource, type DatasetEntry, type BlockReader } from './source.js';
export { expectLabelVolume, type LabelVolumeExpectation } from './label.js';
export { allocate, bytesPerVoxel, copyBox, extractBox, isVolumeDtype, zeros } from './ndarray.js';
