/**
 * The surface map's three.js scene: one or two hemisphere meshes (RAS mm, z up) coloured per vertex,
 * lit from the viewer, orbited by the shared OrbitRig, drawn on demand. A click picks the vertex
 * nearest to where the ray meets the mesh, for the label/value readout.
 */
import { BufferAttribute, BufferGeometry, Mesh, MeshLambertMaterial, PerspectiveCamera, Raycaster, Scene, Sphere, Vector3, type Vector2 } from 'three';
import { OrbitRig } from '../../components/three/orbit.js';
import { toNdc } from '../../components/three/picking.js';
import { addViewerLight, createSceneRenderer, fitRendererToContainer, FrameScheduler, releaseSceneRenderer } from '../../components/three/sceneSetup.js';
import type { WebGLRenderer } from 'three';

const BACKGROUND = 0x111418;

export interface HemisphereMesh {
  vertices: Float32Array;
  faces: Uint32Array;
  /** Moves the mesh along x (inflated hemispheres apart), mm. */
  offsetX: number;
}

export interface PickedVertex {
  mesh: number;
  vertex: number;
}

export class SurfaceScene {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(30, 1, 1, 5000);
  private readonly rig: OrbitRig;
  private readonly material = new MeshLambertMaterial({ vertexColors: true });
  private meshes: Mesh[] = [];
  private readonly frames = new FrameScheduler(() => this.render());
  private readonly resizeObserver: ResizeObserver;
  /** Called after each drawn frame (for the panel's data-* state and the frame-time measurement). */
  onRender: ((drawn: { meshes: number; vertices: number }) => void) | null = null;
  onPick: ((picked: PickedVertex | null) => void) | null = null;

  constructor(private readonly container: HTMLElement) {
    this.renderer = createSceneRenderer(container, 'fmri-surface-canvas', BACKGROUND);
    addViewerLight(this.scene, this.camera, { ambient: 1.1, headlight: 1.9, headlightPosition: [0.3, 0.5, 1] });
    this.rig = new OrbitRig(this.camera, this.renderer.domElement, {
      onChange: () => this.frames.request(),
      onClick: (x, y) => this.onPick?.(this.pick(x, y)),
    });
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  get canvas(): HTMLCanvasElement {
    return this.renderer.domElement;
  }

  /** Replaces the meshes (geometry only; colours follow with setColours). */
  setMeshes(hemispheres: readonly HemisphereMesh[]): void {
    this.disposeMeshes();
    for (const h of hemispheres) {
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(h.vertices, 3));
      geometry.setIndex(new BufferAttribute(h.faces, 1));
      geometry.setAttribute('color', new BufferAttribute(new Float32Array(h.vertices.length).fill(0.6), 3));
      geometry.computeVertexNormals();
      geometry.computeBoundingSphere();
      const mesh = new Mesh(geometry, this.material);
      mesh.position.x = h.offsetX;
      this.scene.add(mesh);
      this.meshes.push(mesh);
    }
    this.frames.request();
  }

  /** RGB 0–1 per vertex, one array per mesh. */
  setColours(colours: readonly Float32Array[]): void {
    this.meshes.forEach((mesh, i) => {
      const colour = colours[i];
      if (!colour) return;
      mesh.geometry.setAttribute('color', new BufferAttribute(colour, 3));
    });
    this.frames.request();
  }

  /** Which meshes are drawn (the medial view of one hemisphere hides the other). */
  setVisible(visible: readonly boolean[]): void {
    this.meshes.forEach((mesh, i) => (mesh.visible = visible[i] ?? true));
    this.frames.request();
  }

  /** Looks at the visible meshes along `direction` with `up` as the screen's up. */
  look(direction: readonly [number, number, number], up: readonly [number, number, number]): void {
    const sphere = this.bounds();
    if (!sphere) return;
    this.rig.fit(sphere.center, sphere.radius * 0.92, new Vector3(...direction), new Vector3(...up));
  }

  handleKey(event: KeyboardEvent): boolean {
    return this.rig.handleKey(event);
  }

  dispose(): void {
    this.frames.stop();
    this.resizeObserver.disconnect();
    this.rig.dispose();
    this.disposeMeshes();
    this.material.dispose();
    releaseSceneRenderer(this.renderer);
  }

  private bounds(): Sphere | null {
    const shown = this.meshes.filter((m) => m.visible);
    if (shown.length === 0) return null;
    const points: Vector3[] = [];
    for (const mesh of shown) {
      const s = mesh.geometry.boundingSphere!;
      const c = s.center.clone().add(mesh.position);
      for (const d of [-1, 1]) for (const axis of [0, 1, 2]) points.push(c.clone().setComponent(axis, c.getComponent(axis) + d * s.radius));
    }
    return new Sphere().setFromPoints(points);
  }

  private pick(clientX: number, clientY: number): PickedVertex | null {
    const ndc: Vector2 | null = toNdc(clientX, clientY, this.canvas.getBoundingClientRect());
    if (!ndc) return null;
    const raycaster = new Raycaster();
    raycaster.setFromCamera(ndc, this.camera);
    const hit = raycaster.intersectObjects(this.meshes.filter((m) => m.visible), false)[0];
    if (!hit || !hit.face) return null;
    const mesh = this.meshes.indexOf(hit.object as Mesh);
    const position = (hit.object as Mesh).geometry.getAttribute('position');
    const local = hit.point.clone().sub((hit.object as Mesh).position);
    // The face's corner nearest the hit: the vertex whose label/value is read.
    let best = hit.face.a;
    let bestDistance = Infinity;
    for (const v of [hit.face.a, hit.face.b, hit.face.c]) {
      const d = local.distanceToSquared(new Vector3(position.getX(v), position.getY(v), position.getZ(v)));
      if (d < bestDistance) {
        bestDistance = d;
        best = v;
      }
    }
    return { mesh, vertex: best };
  }

  private resize(): void {
    fitRendererToContainer(this.renderer, this.camera, this.container);
    this.frames.request();
  }

  private render(): void {
    this.renderer.render(this.scene, this.camera);
    this.onRender?.({ meshes: this.meshes.filter((m) => m.visible).length, vertices: this.meshes.reduce((n, m) => n + m.geometry.getAttribute('position').count, 0) });
  }

  private disposeMeshes(): void {
    for (const mesh of this.meshes) {
      this.scene.remove(mesh);
      mesh.geometry.dispose();
    }
    this.meshes = [];
  }
}
