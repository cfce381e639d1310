/**
 * The React side of the 3D error view: a focusable box that owns a SegmentationScene (plain
 * three.js, segmentationScene.ts) and feeds it instances, layers and the selection. `data-ready`
 * turns "true" once every expected instance is in the scene and a frame with them has been drawn.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { SegmentationScene, type SceneInstance, type SceneLayers } from './segmentationScene.js';
import { useThreeScene } from '../components/three/useThreeScene.js';

export interface SceneHandle {
  /** Frames a [z, y, x] box of one side, or the whole volume without one. */
  frame(target: { side: 'gt' | 'pred'; bboxMin: [number, number, number]; bboxMax: [number, number, number] } | null): void;
  reset(): void;
}

export function SceneView(props: {
  shape: readonly [number, number, number];
  instances: readonly SceneInstance[];
  /** How many instances the scene will have when everything is loaded. */
  expected: number;
  layers: SceneLayers;
  selectedKey: string | null;
  relatedKeys: readonly string[];
  label: string;
  handle: RefObject<SceneHandle | null>;
  onPick(key: string | null): void;
}) {
  const [drawn, setDrawn] = useState(0);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;

  const { box, sceneRef, failure } = useThreeScene(
    (container) => new SegmentationScene(container),
    (scene) => {
      scene.onRender = (stats) => setDrawn(stats.instances);
      scene.onPick = (key) => onPick.current(key);
      // The handle ref is stable for the view's life.
      props.handle.current = {
        frame: (target) => (target ? scene.frameBox(target.side, target.bboxMin, target.bboxMax) : scene.resetView()),
        reset: () => scene.resetView(),
      };
      return () => {
        props.handle.current = null;
      };
    },
  );

  const [nz, ny, nx] = props.shape;
  useEffect(() => {
    sceneRef.current?.setVolume([nz, ny, nx]);
  }, [nz, ny, nx]);
  useEffect(() => {
    sceneRef.current?.setInstances(props.instances);
  }, [props.instances]);
  useEffect(() => {
    sceneRef.current?.setLayers(props.layers);
  }, [props.layers]);
  useEffect(() => {
    sceneRef.current?.setSelection(props.selectedKey, props.relatedKeys);
  }, [props.selectedKey, props.relatedKeys]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const scene = sceneRef.current;
    if (!scene) return;
    if (scene.handleKey(event.nativeEvent)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const ready = failure === null && props.expected > 0 && props.instances.length === props.expected && drawn === props.expected;
  return (
    <div className="fisbe-scene-wrap">
      <div
        ref={box}
        className="fisbe-scene"
        role="img"
        tabIndex={0}
        aria-label={props.label}
        aria-roledescription="3D view"
        aria-describedby="fisbe-key-help"
        data-ready={ready ? 'true' : 'false'}
        data-instances={drawn}
        onKeyDown={onKeyDown}
      />
      {failure && (
        <p className="error fisbe-scene-error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
