/**
 * A connectome in plain three.js (the React wrapper only feeds it): nodes as lit spheres (one
 * instanced mesh, a colour and a size per node), edges as line batches of three widths
 * (edgeStyle.ts), orbit, pan and zoom (OrbitRig), and hover: the node under the pointer
 * is ringed and reported, for a tooltip. Like the segmentation scene it renders on demand, not in a
 * loop, and gives back every GPU object it replaces or holds.
 *
 * Coordinates are the unit sphere the placement (positions.ts) fits the nodes into.
 */
import {
  Color,
  InstancedMesh,
  Matrix4,
  type Object3D,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PerspectiveCamera,
  Quaternion,
  Scene,
  SphereGeometry,
  SRGBColorSpace,
  Vector3,
  type WebGLRenderer,
} from 'three';
import { LineMaterial } from 'three/addons/lines/LineMaterial.js';
import { LineSegments2 } from 'three/addons/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/addons/lines/LineSegmentsGeometry.js';
import type { EdgeBatch } from './edgeStyle.js';
import { OrbitRig } from '../three/orbit.js';
import { toNdc } from '../three/picking.js';
import { pickInstance } from '../three/nodePicking.js';
import { addViewerLight, createSceneRenderer, FrameScheduler, releaseSceneRenderer } from '../three/sceneSetup.js';

const BACKGROUND = 0x121418;
/** Sphere radius of a node of scale 1, in the unit sphere the nodes fill. */
const NODE_RADIUS = 0.032;
const HALO_SCALE = 1.7;

export interface ConnectomeNodes {
  /** x, y, z per node. */
  positions: Float32Array;
  /** `#rrggbb` per node. */
  colors: readonly string[];
  /** Relative sphere size per node. */
  scales: Float32Array;
}

export interface ConnectomeSceneStats {
  nodes: number;
  edges: number;
}

/**
 * sRGB colours (as `#rrggbb` reads) in three's linear working space. Node colours go through
 * Color.set, which converts; raw vertex colours do not, and would be drawn too light.
 */
function linearColors(srgb: Float32Array): Float32Array {
  const out = new Float32Array(srgb.length);
  const color = new Color();
  for (let i = 0; i + 2 < srgb.length; i += 3) {
    color.setRGB(srgb[i]!, srgb[i + 1]!, srgb[i + 2]!, SRGBColorSpace);
    out[i] = color.r;
    out[i + 1] = color.g;
    out[i + 2] = color.b;
  }
  return out;
}

export class ConnectomeScene {
  readonly canvas: HTMLCanvasElement;
  /** Called after each frame is drawn. */
  onRender: ((stats: ConnectomeSceneStats) => void) | null = null;
  /** Called as the pointer moves: the node under it (or null) and where the pointer is. */
  onHover: ((index: number | null, clientX: number, clientY: number) => void) | null = null;

  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(35, 1, 0.01, 100);
  private readonly rig: OrbitRig;
  private readonly sphere = new SphereGeometry(1, 18, 12);
  private readonly nodeMaterial = new MeshLambertMaterial({ color: 0xffffff });
  private readonly halo: Mesh<SphereGeometry, MeshBasicMaterial>;
  private readonly resizeObserver: ResizeObserver;
  private nodes: InstancedMesh<SphereGeometry, MeshLambertMaterial> | null = null;
  private nodeData: ConnectomeNodes | null = null;
  private edges: LineSegments2[] = [];
  private edgeCount = 0;
  private hovered: number | null = null;
  private backdrop: Object3D | null = null;
  /** Where resetView looks from (the glass brain's anatomical views); null: the default turned view. */
  private home: { direction: Vector3; up: Vector3 } | null = null;
  private readonly frames = new FrameScheduler(() => this.render());
  private disposed = false;

  /** Appends a canvas to `container` and follows its size. Throws when WebGL is unavailable. */
  constructor(private readonly container: HTMLElement) {
    this.renderer = createSceneRenderer(container, 'connectome-canvas', BACKGROUND);
    this.canvas = this.renderer.domElement;

    // Light from the viewer (carried by the camera), so spheres read as spheres from any side.
    addViewerLight(this.scene, this.camera, { ambient: 1.2, headlight: 1.5, headlightPosition: [0.4, 0.6, 1] });

    this.halo = new Mesh(this.sphere, new MeshBasicMaterial({ color: 0xffffff, wireframe: true, transparent: true, opacity: 0.8 }));
    this.halo.visible = false;
    this.scene.add(this.halo);

    this.rig = new OrbitRig(this.camera, this.canvas, { onChange: () => this.requestRender() });
    this.canvas.addEventListener('pointermove', this.onPointerMove);
    this.canvas.addEventListener('pointerleave', this.onPointerLeave);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
    this.resetView();
  }

  /** Places, colours and sizes the nodes (the mesh is rebuilt only when their number changes). */
  setNodes(nodes: ConnectomeNodes): void {
    const n = nodes.colors.length;
    if (!this.nodes || this.nodes.count !== n) {
      this.disposeNodes();
      this.nodes = new InstancedMesh(this.sphere, this.nodeMaterial, n);
      this.scene.add(this.nodes);
    }
    const mesh = this.nodes;
    const matrix = new Matrix4();
    const rotation = new Quaternion();
    const color = new Color();
    for (let i = 0; i < n; i += 1) {
      const radius = NODE_RADIUS * (nodes.scales[i] ?? 1);
      matrix.compose(new Vector3(nodes.positions[3 * i], nodes.positions[3 * i + 1], nodes.positions[3 * i + 2]), rotation, new Vector3(radius, radius, radius));
      mesh.setMatrixAt(i, matrix);
      mesh.setColorAt(i, color.set(nodes.colors[i]!));
    }
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    // Picking tests rays against the bounds: they change with the positions.
    mesh.computeBoundingSphere();
    this.nodeData = nodes;
    this.placeHalo();
    this.requestRender();
  }

  /** Replaces the drawn edges with `batches` (one line object per non-empty tier). */
  setEdges(batches: readonly EdgeBatch[]): void {
    this.disposeEdges();
    const { width, height } = this.size();
    for (const batch of batches) {
      if (batch.count === 0) continue;
      const geometry = new LineSegmentsGeometry();
      geometry.setPositions(batch.positions);
      geometry.setColors(linearColors(batch.colors));
      const material = new LineMaterial({
        linewidth: batch.tier.widthPx,
        vertexColors: true,
        transparent: true,
        opacity: batch.tier.opacity,
        depthWrite: false,
      });
      material.resolution.set(width, height);
      const lines = new LineSegments2(geometry, material);
      // Faint edges first, so strong ones blend over them; all under the opaque nodes' depth.
      lines.renderOrder = batch.tier.widthPx;
      this.edges.push(lines);
      this.edgeCount += batch.count;
      this.scene.add(lines);
    }
    this.requestRender();
  }

  /** Rings one node (the one hovered, or one chosen elsewhere), or none. */
  setHighlight(index: number | null): void {
    this.hovered = index;
    this.placeHalo();
    this.requestRender();
  }

  /**
   * Context drawn with the graph but never picked (the glass brain's translucent cortex, its
   * orientation rings), or none. The scene owns it from here: it disposes of its geometries and
   * materials when replaced and on dispose.
   */
  setBackdrop(backdrop: Object3D | null): void {
    this.disposeBackdrop();
    this.backdrop = backdrop;
    if (backdrop) this.scene.add(backdrop);
    this.requestRender();
  }

  /** Makes resetView (and R) look from `direction` with `up` as the screen's up (null: the default view), and goes there. */
  setHomeView(view: { direction: readonly [number, number, number]; up: readonly [number, number, number] } | null): void {
    this.home = view ? { direction: new Vector3(...view.direction), up: new Vector3(...view.up) } : null;
    this.resetView();
  }

  /** The initial view: the whole unit sphere, slightly turned so depth reads (or the home view set). */
  resetView(): void {
    if (this.home) {
      this.rig.fit(new Vector3(0, 0, 0), 1.08, this.home.direction, this.home.up);
      return;
    }
    this.rig.fit(new Vector3(0, 0, 0), 1.08, new Vector3(0, 0, -1), new Vector3(0, 1, 0));
    this.rig.rotate(0.3, -0.2);
  }

  /** Keyboard orbit (arrows, shift+arrows, + / −); true when the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    return this.rig.handleKey(event);
  }

  /** The node under a client point, or null. */
  pick(clientX: number, clientY: number): number | null {
    const ndc = toNdc(clientX, clientY, this.canvas.getBoundingClientRect());
    if (!ndc || !this.nodes) return null;
    return pickInstance(this.camera, ndc, this.nodes);
  }

  /** Where a node is drawn, in client pixels (for tests and for placing labels). */
  screenPoint(index: number): { x: number; y: number } | null {
    const positions = this.nodeData?.positions;
    if (!positions || index < 0 || 3 * index + 2 >= positions.length) return null;
    const point = new Vector3(positions[3 * index], positions[3 * index + 1], positions[3 * index + 2]).project(this.camera);
    const rect = this.canvas.getBoundingClientRect();
    return { x: rect.left + ((point.x + 1) / 2) * rect.width, y: rect.top + ((1 - point.y) / 2) * rect.height };
  }

  stats(): ConnectomeSceneStats {
    return { nodes: this.nodes?.count ?? 0, edges: this.edgeCount };
  }

  requestRender(): void {
    this.frames.request();
  }

  dispose(): void {
    this.disposed = true;
    this.frames.stop();
    this.resizeObserver.disconnect();
    this.canvas.removeEventListener('pointermove', this.onPointerMove);
    this.canvas.removeEventListener('pointerleave', this.onPointerLeave);
    this.rig.dispose();
    this.disposeEdges();
    this.disposeNodes();
    this.disposeBackdrop();
    this.sphere.dispose();
    this.nodeMaterial.dispose();
    this.halo.material.dispose();
    releaseSceneRenderer(this.renderer);
  }

  private readonly onPointerMove = (event: PointerEvent) => {
    // While dragging the view, the pointer is turning it, not pointing at nodes.
    const index = event.buttons === 0 ? this.pick(event.clientX, event.clientY) : null;
    if (index !== this.hovered) this.setHighlight(index);
    this.onHover?.(index, event.clientX, event.clientY);
  };

  private readonly onPointerLeave = (event: PointerEvent) => {
    if (this.hovered !== null) this.setHighlight(null);
    this.onHover?.(null, event.clientX, event.clientY);
  };

  private placeHalo(): void {
    const data = this.nodeData;
    const i = this.hovered;
    if (!data || i === null || i >= data.colors.length) {
      this.halo.visible = false;
      return;
    }
    const radius = NODE_RADIUS * (data.scales[i] ?? 1) * HALO_SCALE;
    this.halo.position.set(data.positions[3 * i]!, data.positions[3 * i + 1]!, data.positions[3 * i + 2]!);
    this.halo.scale.setScalar(radius);
    this.halo.visible = true;
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(1, this.container.clientWidth), height: Math.max(1, this.container.clientHeight) };
  }

  private render(): void {
    if (this.disposed) return;
    this.renderer.render(this.scene, this.camera);
    this.onRender?.(this.stats());
  }

  private resize(): void {
    const { width, height } = this.size();
    // setSize writes the canvas size through the CSSOM (style.width/height), which the CSP allows.
    this.renderer.setSize(width, height);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    // Line widths are in CSS pixels of this resolution.
    for (const lines of this.edges) lines.material.resolution.set(width, height);
    this.requestRender();
  }

  private disposeEdges(): void {
    for (const lines of this.edges) {
      lines.removeFromParent();
      lines.geometry.dispose();
      lines.material.dispose();
    }
    this.edges = [];
    this.edgeCount = 0;
  }

  private disposeBackdrop(): void {
    const backdrop = this.backdrop;
    if (!backdrop) return;
    backdrop.removeFromParent();
    backdrop.traverse((object) => {
      const drawn = object as Object3D & { geometry?: { dispose(): void }; material?: { dispose(): void } | { dispose(): void }[] };
      drawn.geometry?.dispose();
      for (const material of Array.isArray(drawn.material) ? drawn.material : drawn.material ? [drawn.material] : []) material.dispose();
    });
    this.backdrop = null;
  }

  private disposeNodes(): void {
    if (!this.nodes) return;
    this.nodes.removeFromParent();
    // The sphere geometry and material are shared and live as long as the scene; the instance
    // buffers are the mesh's own.
    this.nodes.dispose();
    this.nodes = null;
  }
}
