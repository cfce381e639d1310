/**
 * The 3D error view of one evaluated FISBe sample, in plain three.js (the React wrapper only feeds
 * it): ground-truth and predicted instances as semi-transparent isosurfaces and/or skeleton points,
 * coloured by matching status, in the volume's outline; orbit, pan and zoom (OrbitRig); a click
 * picks the nearest visible instance under the pointer. It renders on demand, not in a loop: a
 * software WebGL (SwiftShader) must not spin a core while nothing changes.
 *
 * Coordinates are voxel indices (x, y, z; z the slow axis of the volume). Light-microscopy voxels
 * are anisotropic in reality, but they are drawn here as unit cubes: the geometry is shown in voxel
 * space, as the evaluator sees it.
 */
import {
  Box3,
  BufferAttribute,
  BufferGeometry,
  Color,
  DoubleSide,
  EdgesGeometry,
  BoxGeometry,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshLambertMaterial,
  type Object3D,
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Scene,
  Vector3,
  type WebGLRenderer,
} from 'three';
import { OrbitRig } from '../components/three/orbit.js';
import { KEY_FIELD, pickKey, toNdc } from '../components/three/picking.js';
import { addViewerLight, createSceneRenderer, fitRendererToContainer, FrameScheduler, releaseSceneRenderer } from '../components/three/sceneSetup.js';

export type SceneSide = 'gt' | 'pred';

export interface SceneInstance {
  /** Unique key, e.g. `gt:3`. */
  key: string;
  side: SceneSide;
  /** `#rrggbb`. */
  color: string;
  /** x, y, z voxel triples. */
  skeleton: ArrayLike<number>;
  /** Isosurface vertices (x, y, z) and triangle indices; empty arrays draw no surface. */
  positions: Float32Array;
  indices: Uint32Array;
}

export interface SceneLayers {
  gt: boolean;
  pred: boolean;
  surfaces: boolean;
  skeletons: boolean;
  /** Predictions beside the ground truth (shifted along x) instead of overlaid on it. */
  sideBySide: boolean;
}

export const DEFAULT_LAYERS: SceneLayers = { gt: true, pred: true, surfaces: true, skeletons: false, sideBySide: false };

const BACKGROUND = 0x121418;
const SURFACE_OPACITY = 0.38;
const DIMMED_SURFACE_OPACITY = 0.1;
const SELECTED_SURFACE_OPACITY = 0.9;
const POINT_SIZE_PX = 3;
const SELECTED_POINT_SIZE_PX = 6;
/** Gap between GT and predictions side by side, as a fraction of the volume's x extent. */
const SIDE_GAP = 0.08;

interface Entry {
  instance: SceneInstance;
  surface: Mesh<BufferGeometry, MeshLambertMaterial> | null;
  skeleton: Points<BufferGeometry, PointsMaterial> | null;
}

export interface SceneStats {
  instances: number;
  triangles: number;
  skeletonPoints: number;
}

export class SegmentationScene {
  readonly canvas: HTMLCanvasElement;
  /** Called after each frame is drawn. */
  onRender: ((stats: SceneStats) => void) | null = null;
  /** Called with the key of the instance clicked, or null for a click on nothing. */
  onPick: ((key: string | null) => void) | null = null;

  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(35, 1, 0.1, 10_000);
  private readonly rig: OrbitRig;
  private readonly sides: Record<SceneSide, Group> = { gt: new Group(), pred: new Group() };
  private readonly outlines: Record<SceneSide, LineSegments<EdgesGeometry, LineBasicMaterial>>;
  private readonly entries = new Map<string, Entry>();
  private readonly resizeObserver: ResizeObserver;
  private shape: readonly [number, number, number] = [1, 1, 1];
  private layers: SceneLayers = { ...DEFAULT_LAYERS };
  private selected: string | null = null;
  private related = new Set<string>();
  private readonly frames = new FrameScheduler(() => this.render());
  private disposed = false;

  /** Appends a canvas to `container` and follows its size. Throws when WebGL is unavailable. */
  constructor(private readonly container: HTMLElement) {
    this.renderer = createSceneRenderer(container, 'fisbe-scene-canvas', BACKGROUND);
    this.canvas = this.renderer.domElement;

    // Light from the viewer: the camera carries it, so what faces the viewer is lit from any angle.
    addViewerLight(this.scene, this.camera, { ambient: 1.1, headlight: 1.6, headlightPosition: [0.3, -0.5, -1] });

    const outlineMaterial = new LineBasicMaterial({ color: 0x5c6370 });
    const box = new EdgesGeometry(new BoxGeometry(1, 1, 1));
    this.outlines = { gt: new LineSegments(box, outlineMaterial), pred: new LineSegments(box, outlineMaterial) };
    for (const side of ['gt', 'pred'] as const) {
      this.sides[side].add(this.outlines[side]);
      this.scene.add(this.sides[side]);
    }

    this.rig = new OrbitRig(this.camera, this.canvas, {
      onChange: () => this.requestRender(),
      onClick: (x, y) => this.onPick?.(this.pick(x, y)),
    });
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.setVolume(this.shape);
  }

  /** The volume's [z, y, x] extent: the outline, the layout, and a view that fits it. */
  setVolume(shape: readonly [number, number, number]): void {
    this.shape = shape;
    this.layout();
    this.resetView();
  }

  /** Adds instances not drawn yet and removes those not in `instances`. */
  setInstances(instances: readonly SceneInstance[]): void {
    const keep = new Set(instances.map((instance) => instance.key));
    for (const [key, entry] of this.entries) {
      if (!keep.has(key)) this.remove(entry);
      if (!keep.has(key)) this.entries.delete(key);
    }
    for (const instance of instances) {
      if (!this.entries.has(instance.key)) this.entries.set(instance.key, this.build(instance));
    }
    this.applyStyle();
  }

  setLayers(layers: SceneLayers): void {
    const relayout = layers.sideBySide !== this.layers.sideBySide;
    this.layers = { ...layers };
    if (relayout) {
      this.layout();
      this.resetView();
    }
    this.applyStyle();
  }

  /** Highlights one instance (and its `related` ones, e.g. its match); the rest fade. */
  setSelection(key: string | null, related: readonly string[] = []): void {
    this.selected = key;
    this.related = new Set(related);
    this.applyStyle();
  }

  /** The initial view: the whole volume, x to the right and y down as in the axial slice, slightly turned. */
  resetView(): void {
    const box = this.worldBox();
    const centre = box.getCenter(new Vector3());
    const radius = box.getSize(new Vector3()).length() / 2;
    this.rig.fit(centre, radius, new Vector3(0, 0, 1), new Vector3(0, -1, 0));
    this.rig.rotate(0.35, -0.3);
  }

  /** Frames an inclusive [z, y, x] voxel box of one side (the selected instance, say). */
  frameBox(side: SceneSide, min: readonly [number, number, number], max: readonly [number, number, number]): void {
    const offset = this.sides[side].position;
    const box = new Box3(new Vector3(min[2] - 0.5, min[1] - 0.5, min[0] - 0.5), new Vector3(max[2] + 0.5, max[1] + 0.5, max[0] + 0.5));
    box.translate(offset);
    const direction = this.rig.target.clone().sub(this.camera.position).normalize();
    this.rig.fit(box.getCenter(new Vector3()), Math.max(8, box.getSize(new Vector3()).length() / 2), direction, this.camera.up.clone());
  }

  /** Keyboard orbit (arrows, shift+arrows, + / −); true when the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    return this.rig.handleKey(event);
  }

  /** The key of the nearest visible instance under a client point, or null. */
  pick(clientX: number, clientY: number): string | null {
    const ndc = toNdc(clientX, clientY, this.canvas.getBoundingClientRect());
    if (!ndc) return null;
    const targets: Object3D[] = [];
    for (const entry of this.entries.values()) {
      if (entry.surface) targets.push(entry.surface);
      if (entry.skeleton) targets.push(entry.skeleton);
    }
    return pickKey(this.camera, ndc, targets, Math.max(0.75, this.rig.worldPerPixel() * 4));
  }

  stats(): SceneStats {
    let triangles = 0;
    let skeletonPoints = 0;
    for (const entry of this.entries.values()) {
      triangles += entry.instance.indices.length / 3;
      skeletonPoints += Math.floor(entry.instance.skeleton.length / 3);
    }
    return { instances: this.entries.size, triangles, skeletonPoints };
  }

  requestRender(): void {
    this.frames.request();
  }

  dispose(): void {
    this.disposed = true;
    this.frames.stop();
    this.resizeObserver.disconnect();
    this.rig.dispose();
    for (const entry of this.entries.values()) this.remove(entry);
    this.entries.clear();
    this.outlines.gt.geometry.dispose();
    this.outlines.gt.material.dispose();
    releaseSceneRenderer(this.renderer);
  }

  private render(): void {
    if (this.disposed) return;
    this.renderer.render(this.scene, this.camera);
    this.onRender?.(this.stats());
  }

  private resize(): void {
    fitRendererToContainer(this.renderer, this.camera, this.container);
    this.requestRender();
  }

  /** Places each side's group: voxel (x, y, z) at world (x, y, z), predictions shifted when side by side. */
  private layout(): void {
    const [nz, ny, nx] = this.shape;
    for (const side of ['gt', 'pred'] as const) {
      const outline = this.outlines[side];
      outline.scale.set(nx, ny, nz);
      // Voxel centres are at integer indices: the volume spans −0.5 … n − 0.5.
      outline.position.set((nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2);
    }
    this.sides.gt.position.set(0, 0, 0);
    this.sides.pred.position.set(this.layers.sideBySide ? nx * (1 + SIDE_GAP) : 0, 0, 0);
    this.requestRender();
  }

  /** The world box of what is laid out (one volume, or two side by side). */
  private worldBox(): Box3 {
    const [nz, ny, nx] = this.shape;
    const width = this.layers.sideBySide ? nx * (2 + SIDE_GAP) : nx;
    return new Box3(new Vector3(-0.5, -0.5, -0.5), new Vector3(width - 0.5, ny - 0.5, nz - 0.5));
  }

  private build(instance: SceneInstance): Entry {
    const group = this.sides[instance.side];
    let surface: Entry['surface'] = null;
    if (instance.indices.length > 0 && instance.positions.length > 0) {
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(instance.positions, 3));
      geometry.setIndex(new BufferAttribute(instance.indices, 1));
      geometry.computeVertexNormals();
      geometry.computeBoundingSphere();
      const material = new MeshLambertMaterial({
        color: new Color(instance.color),
        transparent: true,
        opacity: SURFACE_OPACITY,
        side: DoubleSide,
        depthWrite: false,
      });
      surface = new Mesh(geometry, material);
      surface.userData[KEY_FIELD] = instance.key;
      group.add(surface);
    }
    let skeleton: Entry['skeleton'] = null;
    if (instance.skeleton.length >= 3) {
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(Float32Array.from(instance.skeleton), 3));
      geometry.computeBoundingSphere();
      const material = new PointsMaterial({ color: new Color(instance.color), size: POINT_SIZE_PX, sizeAttenuation: false, transparent: true });
      skeleton = new Points(geometry, material);
      skeleton.userData[KEY_FIELD] = instance.key;
      group.add(skeleton);
    }
    return { instance, surface, skeleton };
  }

  private remove(entry: Entry): void {
    for (const object of [entry.surface, entry.skeleton]) {
      if (!object) continue;
      object.removeFromParent();
      object.geometry.dispose();
      object.material.dispose();
    }
  }

  /** Visibility, opacity and emphasis of every object from the layers and the selection. */
  private applyStyle(): void {
    const focus = this.selected !== null;
    this.sides.gt.visible = this.layers.gt;
    this.sides.pred.visible = this.layers.pred;
    this.outlines.pred.visible = this.layers.sideBySide;
    for (const [key, entry] of this.entries) {
      const selected = key === this.selected;
      const related = this.related.has(key);
      const base = new Color(entry.instance.color);
      if (entry.surface) {
        const material = entry.surface.material;
        entry.surface.visible = this.layers.surfaces;
        material.opacity = selected ? SELECTED_SURFACE_OPACITY : focus && !related ? DIMMED_SURFACE_OPACITY : SURFACE_OPACITY;
        material.color.copy(selected ? base.clone().lerp(new Color(0xffffff), 0.25) : base);
        material.emissive.copy(selected ? base.clone().multiplyScalar(0.45) : new Color(0x000000));
        // The selection is drawn last, over the transparent rest.
        entry.surface.renderOrder = selected ? 2 : related ? 1 : 0;
      }
      if (entry.skeleton) {
        const material = entry.skeleton.material;
        entry.skeleton.visible = this.layers.skeletons;
        material.size = selected ? SELECTED_POINT_SIZE_PX : POINT_SIZE_PX;
        material.opacity = focus && !selected && !related ? 0.25 : 1;
        material.color.copy(selected ? base.clone().lerp(new Color(0xffffff), 0.35) : base);
        entry.skeleton.renderOrder = selected ? 2 : 0;
      }
    }
    this.requestRender();
  }
}
