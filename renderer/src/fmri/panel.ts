/** What every panel of the Brain view receives: the app context and the brain recording it shows. */
import type { BrainMetadata, Recording } from '../../../shared/api/index.js';
import type { AppContext } from '../workbench/viewProps.js';

export interface BrainPanelProps {
  app: AppContext;
  recording: Recording;
  /** The recording's brain metadata (what its file says: type, dims, regions…). */
  brain: BrainMetadata;
}

/** The Brain view's panels, by the type of the recording shown. */
export type BrainPanelId = 'volume' | 'surface' | 'series' | 'cohort' | 'glass';

export function panelFor(type: BrainMetadata['type']): BrainPanelId {
  switch (type) {
    case 'bold':
    case 'volume':
    case 'atlas':
      return 'volume';
    case 'surface':
    case 'surface-values':
    case 'surface-labels':
      return 'surface';
    case 'roi-series':
      return 'series';
    case 'cohort':
      return 'cohort';
    case 'nodes':
    case 'edges':
      return 'glass';
  }
}
