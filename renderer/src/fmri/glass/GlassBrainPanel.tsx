/**
 * The Brain view's panel for a brain network (BrainNet .node/.edge files, coordinate atlases such
 * as Power or Dosenbach): the nodes and their edges (`fmri.graph`: the .edge file beside a .node
 * file, or an edge recording of the same size picked here) in the glass brain.
 */
import { useId, useMemo, useState } from 'react';
import { recordingKind } from '../../../../shared/api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import type { BrainPanelProps } from '../panel.js';
import { fileName } from '../series/format.js';
import { useCall } from '../series/useCall.js';
import { GlassBrain } from './GlassBrain.js';
import { useOutline } from './useOutline.js';

export function GlassBrainPanel({ app, recording, brain }: BrainPanelProps) {
  const pickId = useId();
  const nodeCount = brain.nodeCount ?? brain.regionCount;
  // Edge files of the same size can be drawn on these nodes (a .edge file beside them is found by the engine).
  const edgeFiles = useMemo(
    () =>
      app.recordings.recordings.filter(
        (r) => r.id !== recording.id && recordingKind(r) === 'brain-graph' && r.metadata.brain?.type === 'edges' && (r.metadata.brain.nodeCount ?? r.metadata.brain.regionCount) === nodeCount,
      ),
    [app.recordings.recordings, recording.id, nodeCount],
  );
  const [edgesId, setEdgesId] = useState<number | null>(null);
  // An edge file has no positions: it is drawn on a node file of the same size from the project.
  const nodeFiles = useMemo(
    () => app.recordings.recordings.filter((r) => recordingKind(r) === 'brain-graph' && r.metadata.brain?.type === 'nodes' && r.metadata.brain.nodeCount === nodeCount),
    [app.recordings.recordings, nodeCount],
  );
  const isEdges = brain.type === 'edges';
  const request = isEdges ? (nodeFiles[0] ? { recordingId: nodeFiles[0].id, edgesRecordingId: recording.id } : null) : { recordingId: recording.id, edgesRecordingId: edgesId };
  const graph = useCall('fmri.graph', request);
  const outline = useOutline(app.recordings.recordings);

  return (
    <section className="fmri-panel" aria-label="Glass brain">
      <div className="fmri-panel-bar">
        {graph.value && (
          <span className="muted">
            {graph.value.nodes.length} nodes, {graph.value.weights ? 'edge weights loaded' : 'no edges (import a .edge file beside the .node file, or pick one)'}
          </span>
        )}
        {brain.type === 'nodes' && edgeFiles.length > 0 && (
          <label htmlFor={pickId}>
            Edges{' '}
            <select id={pickId} value={edgesId ?? ''} onChange={(event) => setEdgesId(event.target.value === '' ? null : Number(event.target.value))}>
              <option value="">the file beside the nodes</option>
              {edgeFiles.map((r) => (
                <option key={r.id} value={r.id}>
                  {fileName(r.sourcePath)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {isEdges && !request && <p className="muted">These are edge weights of {nodeCount} nodes: import the node file (BrainNet .node) they connect to see them in the glass brain.</p>}
      <ErrorMessage message={graph.error} />
      {graph.loading && <p className="muted">Loading the network…</p>}
      {graph.value && outline.loaded && (
        <GlassBrain nodes={graph.value.nodes} weights={graph.value.weights} title={`Glass brain of ${graph.value.name}`} outline={outline.meshes} outlineSource={outline.source} />
      )}
    </section>
  );
}
