/**
 * The life cycle every 3D view shares: create a three.js scene in the view's box when it mounts,
 * report "3D view unavailable (WebGL): …" instead of failing when the browser has no WebGL, wire
 * the scene's callbacks to React, and dispose of it (and of the wiring) on unmount.
 *
 * Call it before the effects that feed the scene (setNodes, setInstances, …): effects run in
 * declaration order, so those find the scene in `sceneRef` on the first commit.
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { errorMessage } from '../../api/context.js';

export interface ThreeSceneHandle<S> {
  /** The box the scene renders into; pass it as the `ref` of the view's focusable div. */
  box: RefObject<HTMLDivElement | null>;
  /** The live scene, null before mount, after unmount, or when WebGL is unavailable. */
  sceneRef: RefObject<S | null>;
  /** Why there is no 3D view, or null. */
  failure: string | null;
}

export function useThreeScene<S extends { dispose(): void }>(
  create: (container: HTMLDivElement) => S,
  /** Connects the scene's callbacks; may return an undo run before the scene is disposed. */
  wire: (scene: S, container: HTMLDivElement) => (() => void) | void,
): ThreeSceneHandle<S> {
  const box = useRef<HTMLDivElement>(null);
  const sceneRef = useRef<S | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    const container = box.current;
    if (!container) return;
    let scene: S;
    try {
      scene = create(container);
    } catch (error) {
      setFailure(`3D view unavailable (WebGL): ${errorMessage(error)}`);
      return;
    }
    sceneRef.current = scene;
    const unwire = wire(scene, container);
    return () => {
      unwire?.();
      sceneRef.current = null;
      scene.dispose();
    };
    // Created once per mount; `create` and `wire` read refs and state setters, which are stable.
  }, []);
  return { box, sceneRef, failure };
}
