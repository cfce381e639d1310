/**
 * The glass brain: a brain network's nodes at their MNI positions inside a translucent cortex (or
 * orientation ellipses), the strongest edges by the connectome view's threshold (top 5 % by
 * default), red for positive and blue for negative weights, nodes sized and coloured by degree,
 * strength or module/network, the six anatomical views, and the node's name on hover. It draws with
 * the connectome view's scene (ConnectomeCanvas), not a second one.
 */
import { useId, useMemo, useState } from 'react';
import type { BrainNode } from '../../../../shared/api/index.js';
import { ConnectomeCanvas, type NodeInfo } from '../../components/connectome/ConnectomeCanvas.js';
import type { ConnectomeNodes } from '../../components/connectome/connectomeScene.js';
import { toEdgeList, type EdgeList } from '../../components/connectome/edges.js';
import { GroupLegend } from '../../components/connectome/GroupLegend.js';
import { CONNECTOME_KEY_HELP } from '../../components/connectome/keyHelp.js';
import { groupCounts, nodeColors } from '../../components/connectome/nodeStyle.js';
import { keptEdgeCount, type Threshold } from '../../components/connectome/threshold.js';
import { ThresholdControl } from '../../components/connectome/ThresholdControl.js';
import { ringsBackdrop, surfaceBackdrop, mniRings, type OutlineMesh } from './backdrop.js';
import { MeasureLegend } from './MeasureLegend.js';
import {
  frameFor,
  GLASS_DEFAULT_THRESHOLD,
  keptNodeMeasures,
  measureColours,
  measureScales,
  nodeModules,
  nodePositionsMm,
  ORIENTATIONS,
  screenLetters,
  toFrame,
  type ColourBy,
  type Orientation,
  type SizeBy,
} from './network.js';
import { signedEdgeBatches } from './signedEdges.js';
import '../../components/connectome/connectome.css';
import './glass.css';

const EMPTY_EDGES: EdgeList = { source: new Uint32Array(0), target: new Uint32Array(0), weight: new Float32Array(0), count: 0 };
const formatMeasure = (value: number) => String(Number(value.toPrecision(3)));

export function GlassBrain(props: {
  nodes: readonly BrainNode[];
  /** Row-major n × n weights, or null (nodes only). */
  weights: ArrayLike<number> | null;
  /** What the network is, for the 3D view's accessible name. */
  title: string;
  outline: readonly OutlineMesh[];
  /** Where the outline came from, for the caption. */
  outlineSource: string;
}) {
  const { nodes, weights } = props;
  const n = nodes.length;
  const keyHelpId = useId();
  const modules = useMemo(() => nodeModules(nodes), [nodes]);
  const edges = useMemo(() => (weights && weights.length === n * n ? toEdgeList({ kind: 'dense', weights: Float32Array.from(weights) }, n) : EMPTY_EDGES), [weights, n]);
  const [threshold, setThreshold] = useState<Threshold>(GLASS_DEFAULT_THRESHOLD);
  const [colourBy, setColourBy] = useState<ColourBy>(modules.legend.length > 0 ? 'module' : 'degree');
  const [sizeBy, setSizeBy] = useState<SizeBy>(edges.count > 0 ? 'degree' : 'file');
  const [orientation, setOrientation] = useState<Orientation>('S');
  // The edge letters hold for the anatomical view only: once the user turns the brain they are hidden
  // until a view is picked again (or R resets it).
  const [turned, setTurned] = useState(false);
  const pickView = (o: Orientation) => {
    setOrientation(o);
    setTurned(false);
  };
  const kept = keptEdgeCount(edges, threshold);
  const measures = useMemo(() => keptNodeMeasures(edges, kept, n), [edges, kept, n]);

  const nodesMm = useMemo(() => nodePositionsMm(nodes), [nodes]);
  const frame = useMemo(() => {
    const outlinePoints = props.outline.map((mesh) => (mesh.mirrorX ? mesh.vertices.map((v, i) => (i % 3 === 0 ? -v : v)) : mesh.vertices));
    return frameFor([nodesMm, ...(outlinePoints.length > 0 ? outlinePoints : mniRings())]);
  }, [nodesMm, props.outline]);
  const positions = useMemo(() => toFrame(nodesMm, frame), [nodesMm, frame]);
  const backdrop = useMemo(() => (props.outline.length > 0 ? surfaceBackdrop(props.outline, frame) : ringsBackdrop(frame)), [props.outline, frame]);

  const graphNodes = useMemo(() => nodes.map((node, i) => ({ id: i, label: node.label, position: null, group: modules.groups[i] ?? null })), [nodes, modules]);
  const colours = useMemo(
    () => (colourBy === 'module' ? nodeColors({ nodes: graphNodes, groups: modules.legend }) : measureColours(measures[colourBy])),
    [colourBy, graphNodes, modules, measures],
  );
  const scales = useMemo(() => {
    if (sizeBy === 'degree' || sizeBy === 'strength') return measureScales(measures[sizeBy]);
    if (sizeBy === 'file') return measureScales(nodes.map((node) => node.size));
    return new Float32Array(n).fill(1);
  }, [sizeBy, measures, nodes, n]);
  const drawnNodes = useMemo<ConnectomeNodes>(() => ({ positions, colors: colours, scales }), [positions, colours, scales]);
  const batches = useMemo(() => signedEdgeBatches(edges, kept, positions), [edges, kept, positions]);
  const homeView = ORIENTATIONS[orientation];
  const counts = useMemo(() => groupCounts({ nodes: graphNodes, groups: modules.legend }), [graphNodes, modules]);

  const nodeInfo = (index: number): NodeInfo => {
    const node = nodes[index]!;
    const group = modules.groups[index];
    return {
      label: node.label,
      group: `${group === null || group === undefined ? `no ${modules.noun}` : modules.legend[group]!.label} · (${formatMeasure(node.x)}, ${formatMeasure(node.y)}, ${formatMeasure(node.z)}) mm`,
      detail: `degree ${measures.degree[index]} · strength ${formatMeasure(measures.strength[index] ?? 0)}`,
    };
  };

  const label = `${props.title}: ${n} nodes at their MNI positions, ${kept} of ${edges.count} edges shown, ${ORIENTATIONS[orientation].caption}`;
  return (
    <div className="connectome-graph fmri-glass">
      <div className="connectome-toolbar" role="toolbar" aria-label="Glass brain options">
        {edges.count > 0 && <ThresholdControl edges={edges} threshold={threshold} kept={kept} onChange={setThreshold} />}
        <label>
          Colour{' '}
          <select value={colourBy} aria-label="Node colour" onChange={(event) => setColourBy(event.target.value as ColourBy)}>
            {modules.legend.length > 0 && <option value="module">by {modules.noun}</option>}
            <option value="degree">by degree</option>
            <option value="strength">by strength</option>
          </select>
        </label>
        <label>
          Size{' '}
          <select value={sizeBy} aria-label="Node size" onChange={(event) => setSizeBy(event.target.value as SizeBy)}>
            <option value="degree">by degree</option>
            <option value="strength">by strength</option>
            <option value="file">as in the file</option>
            <option value="equal">equal</option>
          </select>
        </label>
        <span className="fmri-orientations" role="group" aria-label="View from">
          {(Object.keys(ORIENTATIONS) as Orientation[]).map((o) => (
            <button key={o} type="button" title={`View from the ${ORIENTATIONS[o].name.toLowerCase()}`} aria-label={`View from ${ORIENTATIONS[o].name}`} aria-pressed={o === orientation} onClick={() => pickView(o)}>
              {o}
            </button>
          ))}
        </span>
        {colourBy === 'module' ? (
          <GroupLegend counts={counts} noun={modules.noun} />
        ) : (
          <MeasureLegend name={colourBy} max={Math.max(0, ...measures[colourBy])} />
        )}
        {edges.count > 0 && (
          <span className="fmri-edge-key">
            <i className="fmri-edge-positive" /> positive <i className="fmri-edge-negative" /> negative weight; line width by |weight|
          </span>
        )}
      </div>
      <div
        className="fmri-glass-stage"
        // A plain drag or arrow turns the brain (OrbitRig); shifted ones pan and the wheel zooms, which keep the letters true.
        onPointerDownCapture={(event) => event.button === 0 && !event.shiftKey && !event.ctrlKey && !event.metaKey && setTurned(true)}
        onKeyDownCapture={(event) => {
          if (event.key === 'r' || event.key === 'R') setTurned(false);
          else if (event.key.startsWith('Arrow') && !event.shiftKey) setTurned(true);
        }}
      >
        <ConnectomeCanvas
          nodes={drawnNodes}
          batches={batches}
          groupsSignature={modules.groups.map((group) => group ?? '').join(',')}
          label={label}
          keyHelpId={keyHelpId}
          nodeInfo={nodeInfo}
          backdrop={backdrop}
          homeView={homeView}
        />
        {!turned && <EdgeLetters orientation={orientation} />}
      </div>
      <p className="eeg-hint" id={keyHelpId}>
        <span className="fmri-view-caption">
          {ORIENTATIONS[orientation].name} view, {ORIENTATIONS[orientation].caption}. Outline: {props.outlineSource || 'loading…'}.
        </span>{' '}
        {CONNECTOME_KEY_HELP}
      </p>
    </div>
  );
}

/** L/R/A/P/S/I at the 3D view's edges for the anatomical view shown. */
function EdgeLetters({ orientation }: { orientation: Orientation }) {
  const letters = screenLetters(orientation);
  return (
    <div className="fmri-edge-letters" aria-hidden="true" data-letters={`${letters.left}${letters.right}${letters.top}${letters.bottom}`}>
      <span className="fmri-letter-left">{letters.left}</span>
      <span className="fmri-letter-right">{letters.right}</span>
      <span className="fmri-letter-top">{letters.top}</span>
      <span className="fmri-letter-bottom">{letters.bottom}</span>
    </div>
  );
}
