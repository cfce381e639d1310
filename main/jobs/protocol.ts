/** Messages between the job runner (main thread) and a pipeline worker. */
import type { LogLevel, Recording } from '../../shared/api/index.js';
import type { ResultItem } from '../store/index.js';
import type { NamedSegmentCollection, PipelineModel, ProducedModel } from './pipeline.js';

export interface WorkerInput {
  moduleUrl: string;
  runId: number;
  params: unknown;
  recording: Recording | null;
  /** Pipelines whose input is 'recordings': those named by params.recordingIds, in that order. */
  recordings: Recording[];
  /** The recordings named by the params in the pipeline's `linkedRecordings`, by param name. */
  linked: Record<string, Recording>;
  /** Labelled-segment datasets named by params.segmentDatasetIds (pipelines that read them). */
  segmentDatasets: NamedSegmentCollection[];
  model: PipelineModel | null;
  /** Training pipelines: the checkpoint to resume from (params.resumeFromModelId). */
  resumeFrom: PipelineModel | null;
  /** Int32Array view: [0] becomes 1 when the run is cancelled. Shared so checks cost no messages. */
  cancelFlag: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'progress'; fraction: number; message: string }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'checkpoint'; model: ProducedModel }
  | { type: 'done'; results: ResultItem[]; model?: ProducedModel }
  | { type: 'cancelled' }
  | { type: 'failed'; message: string; userError: boolean };
