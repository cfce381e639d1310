/**
 * The React side of the 3D connectome: a focusable box that owns a ConnectomeScene (plain three.js,
 * connectomeScene.ts) and feeds it nodes and edge batches, and the hover tooltip. `data-nodes` and
 * `data-edges` say what the last drawn frame held; `data-ready` turns "true" once that is what was
 * asked for. From the keyboard, [ and ] step through the nodes as hovering does, R resets the view.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Object3D } from 'three';
import { ConnectomeScene, type ConnectomeNodes } from './connectomeScene.js';
import { useThreeScene } from '../three/useThreeScene.js';
import type { EdgeBatch } from './edgeStyle.js';

export interface NodeInfo {
  label: string;
  /** e.g. "community 2". */
  group: string;
  /** e.g. "weighted degree 3.2". */
  detail: string;
}

interface Hover {
  index: number;
  /** Pointer position in the box, px. */
  x: number;
  y: number;
}

export function ConnectomeCanvas(props: {
  nodes: ConnectomeNodes;
  batches: readonly EdgeBatch[];
  /** Group id of each node, comma separated (for tests and the accessible description). */
  groupsSignature: string;
  label: string;
  keyHelpId: string;
  nodeInfo(index: number): NodeInfo;
  /** Drawn with the graph, never picked (a glass brain's outline); the scene disposes of it when replaced. */
  backdrop?: Object3D | null;
  /** Where the view starts and R returns to (an anatomical view), instead of the default turned one. */
  homeView?: { direction: readonly [number, number, number]; up: readonly [number, number, number] } | null;
}) {
  const tip = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState({ nodes: 0, edges: 0 });
  const [hover, setHover] = useState<Hover | null>(null);
  const { box, sceneRef, failure } = useThreeScene(
    (container) => new ConnectomeScene(container),
    (scene, container) => {
      scene.onRender = (stats) => setDrawn((current) => (current.nodes === stats.nodes && current.edges === stats.edges ? current : stats));
      scene.onHover = (index, clientX, clientY) => {
        const rect = container.getBoundingClientRect();
        setHover(index === null ? null : { index, x: clientX - rect.left, y: clientY - rect.top });
      };
    },
  );

  useEffect(() => {
    sceneRef.current?.setNodes(props.nodes);
  }, [props.nodes]);
  useEffect(() => {
    sceneRef.current?.setEdges(props.batches);
  }, [props.batches]);
  useEffect(() => {
    if (props.backdrop !== undefined) sceneRef.current?.setBackdrop(props.backdrop);
  }, [props.backdrop]);
  useEffect(() => {
    if (props.homeView !== undefined) sceneRef.current?.setHomeView(props.homeView);
  }, [props.homeView]);

  // A hovered node that is gone (a smaller graph) has no tooltip.
  const nodeCount = props.nodes.colors.length;
  const shown = hover && hover.index < nodeCount ? hover : null;
  const info = shown ? props.nodeInfo(shown.index) : null;

  // Placed through the CSSOM: the CSP forbids inline style attributes.
  useLayoutEffect(() => {
    if (!tip.current || !shown) return;
    tip.current.style.left = `${Math.round(shown.x + 14)}px`;
    tip.current.style.top = `${Math.round(shown.y + 14)}px`;
  }, [shown]);

  const step = (delta: number) => {
    const scene = sceneRef.current;
    const container = box.current;
    if (!scene || !container || nodeCount === 0) return;
    const index = shown ? (shown.index + delta + nodeCount) % nodeCount : delta > 0 ? 0 : nodeCount - 1;
    scene.setHighlight(index);
    const point = scene.screenPoint(index);
    const rect = container.getBoundingClientRect();
    setHover({ index, x: point ? point.x - rect.left : 0, y: point ? point.y - rect.top : 0 });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const scene = sceneRef.current;
    if (!scene || event.ctrlKey || event.metaKey || event.altKey) return;
    let used = true;
    if (event.key === ']') step(1);
    else if (event.key === '[') step(-1);
    else if (event.key === 'r' || event.key === 'R') scene.resetView();
    else if (event.key === 'Escape' && shown) {
      scene.setHighlight(null);
      setHover(null);
    } else used = scene.handleKey(event.nativeEvent);
    if (used) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const expectedEdges = props.batches.reduce((sum, batch) => sum + batch.count, 0);
  const ready = failure === null && drawn.nodes === nodeCount && drawn.edges === expectedEdges;
  return (
    <div className="connectome-scene-wrap">
      <div
        ref={box}
        className="connectome-scene"
        role="img"
        tabIndex={0}
        aria-label={props.label}
        aria-roledescription="3D view"
        aria-describedby={props.keyHelpId}
        data-ready={ready ? 'true' : 'false'}
        data-nodes={drawn.nodes}
        data-edges={drawn.edges}
        data-node-groups={props.groupsSignature}
        data-hovered={info?.label ?? ''}
        onKeyDown={onKeyDown}
      />
      {info && (
        <div ref={tip} className="connectome-tooltip" role="tooltip">
          <strong>{info.label}</strong>
          <span>{info.group}</span>
          <span>{info.detail}</span>
        </div>
      )}
      {failure && (
        <p className="error connectome-scene-error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
