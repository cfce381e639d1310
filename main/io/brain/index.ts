/**
 * Brain recordings (issue #18): NIfTI images, GIfTI/mz3 surfaces, ROI time series, cohort folders
 * and brain networks, each inspected into one `InspectedRecording` with `metadata.brain`. The
 * format readers are in their own folders (`nifti/`, `gifti/`, `mz3/`, `atlas/`, `matlab/`,
 * `roi-series/`); this folder only says what each file is to the project.
 */
import { looksLikeMz3 } from '../mz3/index.js';
import { looksLikeCohort } from '../roi-series/index.js';

export { inspectBrainGraph } from './graph.js';
export { brainRecordingMetadata, spaceText, voxelSizeText, type BrainKind } from './metadata.js';
export { inspectNifti, niftiBrainMetadata, niftiDescription, NIFTI_INTENT_LABEL } from './nifti.js';
export { cohortBrainMetadata, inspectCohort, inspectRoiSeries, roiSeriesBrainMetadata, storedCohort } from './roi.js';
export { giftiBrainMetadata, hemisphereOf, inspectGifti, inspectMz3, type Hemisphere } from './surface.js';

export { isSymmetric, isTimeByRegionTable, looksLikeBrainGraphFile as looksLikeBrainGraph, looksLikeRoiSeriesFile as looksLikeRoiSeries } from './sniff.js';
export { looksLikeCohort, looksLikeMz3 };
