/**
 * What the 3D scenes (connectome, segmentation) set up and tear down alike: a WebGL canvas they own,
 * light from the viewer, and drawing on demand rather than in a loop (a software WebGL such as
 * SwiftShader must not spin a core while nothing changes). One copy, so they cannot drift apart.
 */
import { AmbientLight, DirectionalLight, type Camera, type PerspectiveCamera, type Scene, WebGLRenderer } from 'three';

/** A renderer whose canvas (class `className`) is appended to `container`. Throws when WebGL is unavailable. */
export function createSceneRenderer(container: HTMLElement, className: string, background: number): WebGLRenderer {
  const renderer = new WebGLRenderer({ antialias: true });
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  renderer.setClearColor(background, 1);
  renderer.domElement.className = className;
  container.appendChild(renderer.domElement);
  return renderer;
}

/**
 * Light from the viewer: an ambient light, and a headlight the camera carries (the camera is added
 * to the scene), so what faces the viewer is lit from any angle.
 */
export function addViewerLight(
  scene: Scene,
  camera: Camera,
  light: { ambient: number; headlight: number; headlightPosition: readonly [number, number, number] },
): void {
  scene.add(new AmbientLight(0xffffff, light.ambient));
  const headlight = new DirectionalLight(0xffffff, light.headlight);
  headlight.position.set(...light.headlightPosition);
  camera.add(headlight);
  scene.add(camera);
}

/** Frees the renderer and its canvas. */
export function releaseSceneRenderer(renderer: WebGLRenderer): void {
  renderer.dispose();
  // Give the context back now rather than at garbage collection: browsers cap live contexts.
  renderer.forceContextLoss();
  renderer.domElement.remove();
}

/** Draws at most once per animation frame, and only when asked; nothing once stopped. */
export class FrameScheduler {
  private frame: number | null = null;
  private stopped = false;

  constructor(private readonly draw: () => void) {}

  request(): void {
    if (this.frame !== null || this.stopped) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }
}

/**
 * Sizes the renderer to its container and fits the camera's aspect; returns the size. setSize writes
 * the canvas size through the CSSOM (style.width/height), which the CSP allows.
 */
export function fitRendererToContainer(renderer: WebGLRenderer, camera: PerspectiveCamera, container: HTMLElement): { width: number; height: number } {
  const width = Math.max(1, container.clientWidth);
  const height = Math.max(1, container.clientHeight);
  renderer.setSize(width, height);
  camera.aspect = width / height;
  camera.updateProjectionMatrix();
  return { width, height };
}
