/**
 * The React side of the surface scene: a focusable box owning a SurfaceScene, fed the meshes, their
 * colours, which are shown and the view asked for. `data-ready` says the last frame drew what was
 * asked; `data-meshes`/`data-vertices` what it held. Arrows orbit, + / − zoom.
 */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { useThreeScene } from '../../components/three/useThreeScene.js';
import { SurfaceScene, type HemisphereMesh, type PickedVertex } from './surfaceScene.js';

export interface SurfaceCanvasProps {
  meshes: readonly HemisphereMesh[];
  colours: readonly Float32Array[];
  visible: readonly boolean[];
  /** Camera direction and up; a new object looks again. */
  view: { direction: [number, number, number]; up: [number, number, number] };
  label: string;
  onPick(picked: PickedVertex | null): void;
}

export function SurfaceCanvas({ meshes, colours, visible, view, label, onPick }: SurfaceCanvasProps) {
  const [drawn, setDrawn] = useState<{ meshes: number; vertices: number } | null>(null);
  const [built, setBuilt] = useState<readonly HemisphereMesh[] | null>(null);
  const [coloured, setColoured] = useState<readonly Float32Array[] | null>(null);
  const { box, sceneRef, failure } = useThreeScene(
    (container) => new SurfaceScene(container),
    (scene) => {
      scene.onRender = setDrawn;
    },
  );
  useEffect(() => {
    const scene = sceneRef.current;
    if (scene) scene.onPick = onPick;
  }, [onPick, sceneRef]);
  useEffect(() => {
    sceneRef.current?.setMeshes(meshes);
    setBuilt(meshes);
  }, [meshes, sceneRef]);
  useEffect(() => {
    sceneRef.current?.setColours(colours);
    setColoured(colours);
  }, [colours, built, sceneRef]);
  useEffect(() => {
    sceneRef.current?.setVisible(visible);
    sceneRef.current?.look(view.direction, view.up);
  }, [visible, view, built, sceneRef]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (sceneRef.current?.handleKey(event.nativeEvent)) {
      event.preventDefault();
      event.stopPropagation();
    }
  };
  const ready = failure === null && drawn !== null && built === meshes && coloured === colours && meshes.length > 0 && drawn.vertices > 0;
  return (
    <div className="fmri-surface-wrap">
      <div
        ref={box}
        className="fmri-surface-scene"
        role="img"
        tabIndex={0}
        aria-label={label}
        aria-roledescription="3D view"
        data-ready={ready ? 'true' : 'false'}
        data-meshes={drawn?.meshes ?? 0}
        data-vertices={drawn?.vertices ?? 0}
        onKeyDown={onKeyDown}
      />
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
