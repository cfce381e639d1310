/** The fmri calls (shared/api/fmri.ts), implemented by FmriView. */
import type { fmriCalls } from '../../../shared/api/index.js';
import type { CallHandlers } from '../types.js';
import type { FmriView } from './view.js';

export function fmriHandlers(fmri: FmriView): CallHandlers<typeof fmriCalls> {
  return {
    'fmri.volume': ({ recordingId, volume }) => fmri.volume(recordingId, volume),
    'fmri.surface': ({ recordingId }) => fmri.surface(recordingId),
    'fmri.surfaceValues': ({ recordingId }) => fmri.surfaceValues(recordingId),
    'fmri.projectToSurface': (params) => fmri.projectToSurface(params),
    'fmri.clusters': (params) => fmri.clusters(params),
    'fmri.roiSeries': ({ recordingId, subject, runId }) => fmri.roiSeries(recordingId, subject, runId),
    'fmri.connectivity': ({ recordingId, subject, kind }) => fmri.connectivity(recordingId, subject, kind),
    'fmri.exportConnectivity': ({ recordingId, subject, kind, format, path, overwrite }) => fmri.exportConnectivity(recordingId, subject, kind, format, path, { overwrite }),
    'fmri.cohort': ({ recordingId }) => fmri.cohort(recordingId),
    'fmri.graph': ({ recordingId, edgesRecordingId }) => fmri.graph(recordingId, edgesRecordingId),
  };
}
