/**
 * What every view receives: one props type for all, so the list of views (../views.ts) can render
 * any of them the same way and adding a view is one line there. Views take from the app context
 * what they need (the Library its recordings and pipelines, Runs the runs and the selected run, …)
 * and move between views with `navigate`, never by reaching into another view.
 */
import type { ComponentType } from 'react';
import type { PipelineInfo, ProjectInfo, RecordingKind } from '../../../shared/api/index.js';
import type { BackendState } from '../state/useBackend.js';
import type { RecordingsState } from '../state/useRecordings.js';
import type { RunsState } from '../state/useRuns.js';

/** What the view navigated to should show. */
export interface NavigateTarget {
  recordingId?: number;
  runId?: number;
  /** A time in the recording to show (Review opens its page there: a detected event's onset). */
  timeS?: number;
}

/** What a view offers on a recording row of the Library: its button and the kinds it shows. */
export interface RecordingOpener {
  /** Its button, read with the file name ("Review sleep.edf"). */
  action: string;
  recordingKinds: readonly RecordingKind[];
  /** Offered after the other views of the kind: it shows several recordings together (the Connectome). */
  secondary?: boolean;
}

/** The app's state shared by its views; one object, built by useAppContext. */
export interface AppContext {
  project: ProjectInfo | null;
  pipelines: PipelineInfo[];
  recordings: RecordingsState;
  runs: RunsState;
  backend: BackendState;
  /** The run Runs shows in detail (null: the newest). */
  selectedRunId: number | null;
  selectRun(runId: number): void;
  /** The recording Review shows (null: the first one). */
  selectedRecordingId: number | null;
  selectRecording(recordingId: number): void;
  /** The time `navigate` asked to show in the selected recording, or null. */
  selectedTimeS: number | null;
  /**
   * Shows the view with this id (an id of VIEWS: 'runs', 'eeg', …), selecting the run or recording
   * given. Ids are plain strings so that this module does not import the list it serves; an id not
   * in the list throws.
   */
  navigate(viewId: string, target?: NavigateTarget): void;
  /** The views that open a recording, in the order of the list: a row's first fitting one is its primary action. */
  openers: readonly (RecordingOpener & { viewId: string })[];
}

export interface ViewProps {
  app: AppContext;
}

/** One entry of the list of views: the nav button, its Alt key and what it shows. */
export interface ViewEntry {
  /** The domain id for domain views (eeg, fisbe, ntf, morphology), as on the engine side. */
  id: string;
  title: string;
  /** Alt+key shows the view. */
  key: string;
  component: ComponentType<ViewProps>;
  /**
   * A view that shows one recording of these kinds, offered on their rows in the Library; a list
   * where the action reads differently by kind (the Brain view: "Brain map", "Glass brain", …).
   */
  opens?: RecordingOpener | readonly RecordingOpener[];
  /** Its keys for the help sheet (`?`): lines of "key: what it does" joined by " · ". */
  keyHelp?: readonly string[];
}
