/**
 * The React side of the morphology 3D view: a focusable box that owns a MorphologyScene (plain
 * three.js, morphologyScene.ts) and feeds it the neurons, their colours, the style, projection and
 * selected section, with the scale bar over it. `data-nodes`, `data-segments`, `data-somata`,
 * `data-lod`, `data-projection` and `data-render-ms` say what the last drawn frame held; `data-ready`
 * turns "true" once that is what was asked for. F fits the view, arrows orbit, + / − zoom.
 */
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DrawStyle } from './morphologySegments.js';
import { MorphologyScene, type MorphologySceneStats, type PickedSegment, type Projection } from './morphologyScene.js';
import { useThreeScene } from '../components/three/useThreeScene.js';
import type { DecodedNeuron } from './decode.js';
import { scaleBar } from './layout.js';

export interface MorphologyCanvasHandle {
  fit(): void;
}

export interface MorphologyCanvasProps {
  neurons: readonly DecodedNeuron[];
  offsets: ReadonlyArray<readonly [number, number, number]>;
  colors: readonly Float32Array[];
  colorSignature: string;
  style: DrawStyle;
  projection: Projection;
  selection: { neuron: number; sectionId: number } | null;
  label: string;
  keyHelpId: string;
  onPick(picked: PickedSegment | null): void;
}

export const MorphologyCanvas = forwardRef<MorphologyCanvasHandle, MorphologyCanvasProps>(function MorphologyCanvas(props, ref) {
  const bar = useRef<HTMLDivElement>(null);
  const onPick = useRef(props.onPick);
  onPick.current = props.onPick;
  const [drawn, setDrawn] = useState<MorphologySceneStats | null>(null);
  const [drawnColors, setDrawnColors] = useState('');
  const [built, setBuilt] = useState<readonly DecodedNeuron[] | null>(null);
  const renderTimes = useRef<number[]>([]);

  const { box, sceneRef, failure } = useThreeScene(
    (container) => new MorphologyScene(container),
    (scene) => {
      // Test-only: `?morphology-lod=off` keeps tubes while moving, to measure what the automatic level of detail saves.
      scene.autoLod = new URLSearchParams(window.location.search).get('morphology-lod') !== 'off';
      scene.onRender = (stats) => {
        const times = renderTimes.current;
        times.push(stats.renderMs);
        if (times.length > 30) times.shift();
        setDrawn(stats);
      };
      scene.onPick = (picked) => onPick.current(picked);
    },
  );
  useImperativeHandle(ref, () => ({ fit: () => sceneRef.current?.fit() }), []);

  // Geometry: rebuilt when the neurons (or their placement) change; the view is fitted to them.
  useEffect(() => {
    const scene = sceneRef.current;
    if (!scene) return;
    scene.setNeurons(props.neurons, props.offsets, props.colors);
    scene.fit();
    setBuilt(props.neurons);
    setDrawnColors(props.colorSignature);
    // Colours follow in their own effect; only the geometry matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.neurons, props.offsets]);
  useEffect(() => {
    sceneRef.current?.setColors(props.colors);
    setDrawnColors(props.colorSignature);
  }, [props.colors, props.colorSignature]);
  useEffect(() => sceneRef.current?.setStyle(props.style), [props.style]);
  useEffect(() => sceneRef.current?.setProjection(props.projection), [props.projection]);
  useEffect(() => sceneRef.current?.setSelection(props.selection), [props.selection, built]);

  const scale = drawn ? scaleBar(drawn.umPerPx, 140) : null;
  // Sized through the CSSOM: the CSP forbids inline style attributes.
  useLayoutEffect(() => {
    if (bar.current && scale) bar.current.style.width = `${Math.round(scale.px)}px`;
  }, [scale]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const scene = sceneRef.current;
    if (!scene || event.ctrlKey || event.metaKey || event.altKey) return;
    let used = true;
    if (event.key === 'f' || event.key === 'F') scene.fit();
    else if (event.key === 'Escape') onPick.current(null);
    else used = scene.handleKey(event.nativeEvent);
    if (used) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const nodes = props.neurons.reduce((sum, n) => sum + n.nodeCount, 0);
  const ready = failure === null && drawn !== null && built === props.neurons && drawn.nodes === nodes && drawnColors === props.colorSignature;
  const times = renderTimes.current;
  const meanRenderMs = times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0;
  return (
    <div className="morphology-scene-wrap">
      <div
        ref={box}
        className="morphology-scene"
        role="img"
        tabIndex={0}
        aria-label={props.label}
        aria-roledescription="3D view"
        aria-describedby={props.keyHelpId}
        data-ready={ready ? 'true' : 'false'}
        data-nodes={drawn?.nodes ?? 0}
        data-segments={drawn?.segments ?? 0}
        data-somata={drawn?.somata ?? 0}
        data-lod={drawn?.lod ?? ''}
        data-projection={drawn?.projection ?? ''}
        data-color-mode={drawnColors}
        data-um-per-px={drawn ? drawn.umPerPx.toPrecision(4) : ''}
        data-render-ms={meanRenderMs.toFixed(2)}
        onKeyDown={onKeyDown}
      />
      {scale && (
        <div className="morphology-scalebar" aria-label={`Scale bar ${scale.label}`} data-length-um={scale.lengthUm}>
          <div ref={bar} className="morphology-scalebar-bar" />
          <span>{scale.label}</span>
        </div>
      )}
      {failure && (
        <p className="error morphology-scene-error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
});
