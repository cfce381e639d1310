/**
 * Neuron morphologies in plain three.js (the React wrapper in renderer/src/morphology only feeds
 * it). Two levels of detail over the same segments (one per parent → child pair, built by
 * morphologySegments.ts):
 *  - tubes: one InstancedMesh of an open unit cylinder, a matrix and a colour per segment, tapered
 *    per instance into a truncated cone by a two-float attribute read in the vertex shader;
 *  - lines: one LineSegments with a colour per vertex.
 * Which one is drawn is decided per frame (chooseLod): lines when asked for, when tubes would be
 * thinner than a pixel (zoomed out), and while the view moves if the neuron is very large; tubes
 * come back once the view rests. Somata are lit spheres. A selected section is drawn over the rest.
 * Perspective or orthographic projection (the orthographic camera follows the orbiting perspective
 * one, its frustum the size of the view at the target's distance, so switching keeps the framing).
 * Like the other scenes it renders on demand and gives back every GPU object it replaces or holds.
 */
import {
  BufferAttribute,
  BufferGeometry,
  Color,
  CylinderGeometry,
  DynamicDrawUsage,
  InstancedBufferAttribute,
  InstancedMesh,
  LineBasicMaterial,
  LineSegments,
  Matrix4,
  MeshBasicMaterial,
  MeshLambertMaterial,
  OrthographicCamera,
  PerspectiveCamera,
  Raycaster,
  Scene,
  SphereGeometry,
  SRGBColorSpace,
  Vector3,
  type Camera,
  type WebGLRenderer,
} from 'three';
import {
  buildCoarseLines,
  buildSegmentBuffers,
  chooseLod,
  coarseStep,
  LINES_WHILE_MOVING_MAX,
  nearestSegmentToRay,
  type CoarseLines,
  type DrawStyle,
  type Lod,
  type NeuronGeometryInput,
  type SegmentBuffers,
} from './morphologySegments.js';
import { OrbitRig } from '../components/three/orbit.js';
import { toNdc } from '../components/three/picking.js';
import { addViewerLight, createSceneRenderer, fitRendererToContainer, FrameScheduler, releaseSceneRenderer } from '../components/three/sceneSetup.js';

const BACKGROUND = 0x121418;
const HIGHLIGHT = 0xffe066;
const RADIAL_SEGMENTS = 8;
/** How long after the last movement the view counts as resting (tubes come back), ms. */
const SETTLE_MS = 180;
/** Pick tolerance around thin segments, CSS px. */
const PICK_TOLERANCE_PX = 5;

export type Projection = 'perspective' | 'orthographic';

export interface MorphologySceneStats {
  nodes: number;
  segments: number;
  somata: number;
  lod: Lod;
  projection: Projection;
  /** µm per CSS pixel at the target's depth (for the scale bar). */
  umPerPx: number;
  /** CPU time of the last renderer.render call, ms. */
  renderMs: number;
}

export interface PickedSegment {
  neuron: number;
  sectionId: number;
  node: number;
}

/** The open unit cylinder (radius 1, y 0…1) with the per-instance taper attribute. */
function tubeGeometry(taper: Float32Array): CylinderGeometry {
  const geometry = new CylinderGeometry(1, 1, 1, RADIAL_SEGMENTS, 1, true);
  geometry.translate(0, 0.5, 0);
  geometry.setAttribute('instanceTaper', new InstancedBufferAttribute(taper, 2));
  return geometry;
}

/** Lambert, but x and z scaled along y from the parent's radius to the child's (a truncated cone). */
function taperedMaterial(): MeshLambertMaterial {
  const material = new MeshLambertMaterial({ color: 0xffffff });
  material.onBeforeCompile = (shader) => {
    shader.vertexShader = shader.vertexShader
      .replace('#include <common>', '#include <common>\nattribute vec2 instanceTaper;')
      .replace('#include <begin_vertex>', '#include <begin_vertex>\ntransformed.xz *= mix(instanceTaper.x, instanceTaper.y, position.y);');
  };
  material.customProgramCacheKey = () => 'morphology-tapered-tube';
  return material;
}

/** sRGB 0…1 → three's linear working space, in place. */
function toLinear(rgb: Float32Array): Float32Array {
  const color = new Color();
  for (let i = 0; i + 2 < rgb.length; i += 3) {
    color.setRGB(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!, SRGBColorSpace);
    rgb[i] = color.r;
    rgb[i + 1] = color.g;
    rgb[i + 2] = color.b;
  }
  return rgb;
}

export class MorphologyScene {
  readonly canvas: HTMLCanvasElement;
  /** Called after each frame is drawn. */
  onRender: ((stats: MorphologySceneStats) => void) | null = null;
  /** Called with the segment under a click (or null for a click on nothing). */
  onPick: ((picked: PickedSegment | null) => void) | null = null;
  /** False draws tubes whatever the size and zoom (test-only: to measure what the level of detail saves). */
  autoLod = true;

  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(35, 1, 0.1, 1e6);
  private readonly ortho = new OrthographicCamera(-1, 1, 1, -1, -1, 1);
  private readonly rig: OrbitRig;
  private readonly tubeMaterial = taperedMaterial();
  private readonly highlightTubeMaterial = new MeshBasicMaterial({ color: HIGHLIGHT });
  private readonly lineMaterial = new LineBasicMaterial({ vertexColors: true });
  private readonly highlightLineMaterial = new LineBasicMaterial({ color: HIGHLIGHT, depthTest: false, transparent: true });
  private readonly sphere = new SphereGeometry(1, 20, 14);
  private readonly somaMaterial = new MeshLambertMaterial({ color: 0xffffff });
  private readonly resizeObserver: ResizeObserver;
  private readonly frames = new FrameScheduler(() => this.render());
  private buffers: SegmentBuffers | null = null;
  private nodeCount = 0;
  private tubes: InstancedMesh<CylinderGeometry, MeshLambertMaterial> | null = null;
  private lines: LineSegments<BufferGeometry, LineBasicMaterial> | null = null;
  private coarse: { data: CoarseLines; lines: LineSegments<BufferGeometry, LineBasicMaterial> } | null = null;
  private somata: InstancedMesh<SphereGeometry, MeshLambertMaterial> | null = null;
  private highlightTubes: InstancedMesh<CylinderGeometry, MeshBasicMaterial> | null = null;
  private highlightLines: LineSegments<BufferGeometry, LineBasicMaterial> | null = null;
  private style: DrawStyle = 'tubes';
  private projection: Projection = 'perspective';
  private lod: Lod = 'tubes';
  private lastMoveAt = -Infinity;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastRenderMs = 0;
  private fitSphere = { centre: new Vector3(), radius: 1 };
  private disposed = false;

  /** Appends a canvas to `container` and follows its size. Throws when WebGL is unavailable. */
  constructor(private readonly container: HTMLElement) {
    this.renderer = createSceneRenderer(container, 'morphology-canvas', BACKGROUND);
    this.canvas = this.renderer.domElement;
    addViewerLight(this.scene, this.camera, { ambient: 1.1, headlight: 1.8, headlightPosition: [0.3, 0.5, 1] });
    this.rig = new OrbitRig(this.camera, this.canvas, {
      onChange: () => this.moved(),
      onClick: (x, y) => this.onPick?.(this.pick(x, y)),
    });
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  /**
   * Replaces the neurons drawn (moved by `offsets`, side by side) with colours given per node
   * (sRGB rgb per node, one array per neuron). Returns the segment buffers it built.
   */
  setNeurons(neurons: readonly NeuronGeometryInput[], offsets: ReadonlyArray<readonly [number, number, number]>, colors: readonly Float32Array[]): SegmentBuffers {
    this.disposeNeurons();
    const buffers = buildSegmentBuffers(neurons, offsets);
    this.buffers = buffers;
    this.nodeCount = neurons.reduce((sum, n) => sum + n.parents.length, 0);

    const tubes = new InstancedMesh(tubeGeometry(buffers.taper), this.tubeMaterial, buffers.count);
    tubes.instanceMatrix = new InstancedBufferAttribute(buffers.matrices, 16);
    tubes.instanceColor = new InstancedBufferAttribute(new Float32Array(3 * buffers.count), 3);
    tubes.instanceColor.setUsage(DynamicDrawUsage);
    tubes.computeBoundingSphere();
    tubes.frustumCulled = false;
    this.tubes = tubes;
    this.scene.add(tubes);

    const lineGeometry = new BufferGeometry();
    lineGeometry.setAttribute('position', new BufferAttribute(buffers.linePositions, 3));
    lineGeometry.setAttribute('color', new BufferAttribute(new Float32Array(6 * buffers.count), 3).setUsage(DynamicDrawUsage));
    lineGeometry.computeBoundingSphere();
    this.lines = new LineSegments(lineGeometry, this.lineMaterial);
    this.lines.frustumCulled = false;
    this.scene.add(this.lines);

    if (buffers.count > LINES_WHILE_MOVING_MAX) {
      const data = buildCoarseLines(neurons, offsets, coarseStep(buffers.count));
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(data.linePositions, 3));
      geometry.setAttribute('color', new BufferAttribute(new Float32Array(6 * data.count), 3).setUsage(DynamicDrawUsage));
      const lines = new LineSegments(geometry, this.lineMaterial);
      lines.frustumCulled = false;
      lines.visible = false;
      this.coarse = { data, lines };
      this.scene.add(lines);
    }

    const somaCount = buffers.somas.length / 4;
    if (somaCount > 0) {
      const somata = new InstancedMesh(this.sphere, this.somaMaterial, somaCount);
      const matrix = new Matrix4();
      for (let s = 0; s < somaCount; s += 1) {
        const r = buffers.somas[4 * s + 3]!;
        matrix.makeScale(r, r, r).setPosition(buffers.somas[4 * s]!, buffers.somas[4 * s + 1]!, buffers.somas[4 * s + 2]!);
        somata.setMatrixAt(s, matrix);
      }
      somata.computeBoundingSphere();
      this.somata = somata;
      this.scene.add(somata);
    }
    this.setColors(colors);

    // Fit the union of everything drawn.
    const box = lineGeometry.boundingBox ?? (lineGeometry.computeBoundingBox(), lineGeometry.boundingBox!);
    for (let s = 0; s < somaCount; s += 1) {
      const r = buffers.somas[4 * s + 3]!;
      box.expandByPoint(new Vector3(buffers.somas[4 * s]! - r, buffers.somas[4 * s + 1]! - r, buffers.somas[4 * s + 2]! - r));
      box.expandByPoint(new Vector3(buffers.somas[4 * s]! + r, buffers.somas[4 * s + 1]! + r, buffers.somas[4 * s + 2]! + r));
    }
    if (buffers.count === 0 && somaCount === 0) this.fitSphere = { centre: new Vector3(), radius: 1 };
    else this.fitSphere = { centre: box.getCenter(new Vector3()), radius: Math.max(1, box.getSize(new Vector3()).length() / 2) };
    this.requestRender();
    return buffers;
  }

  /** Recolours segments and somata: sRGB rgb per node, one array per neuron (as given to setNeurons). */
  setColors(colors: readonly Float32Array[]): void {
    const buffers = this.buffers;
    if (!buffers || !this.tubes || !this.lines) return;
    const instance = this.tubes.instanceColor!.array as Float32Array;
    const vertex = this.lines.geometry.getAttribute('color').array as Float32Array;
    for (let k = 0; k < buffers.count; k += 1) {
      const source = colors[buffers.neuronIndex[k]!];
      const i = buffers.childNodes[k]!;
      instance[3 * k] = source?.[3 * i] ?? 1;
      instance[3 * k + 1] = source?.[3 * i + 1] ?? 1;
      instance[3 * k + 2] = source?.[3 * i + 2] ?? 1;
    }
    toLinear(instance);
    for (let k = 0; k < buffers.count; k += 1) {
      vertex.set(instance.subarray(3 * k, 3 * k + 3), 6 * k);
      vertex.set(instance.subarray(3 * k, 3 * k + 3), 6 * k + 3);
    }
    this.tubes.instanceColor!.needsUpdate = true;
    this.lines.geometry.getAttribute('color').needsUpdate = true;
    if (this.coarse) {
      const { data, lines } = this.coarse;
      const coarseColors = lines.geometry.getAttribute('color').array as Float32Array;
      const color = new Color();
      for (let k = 0; k < data.count; k += 1) {
        const source = colors[data.neuronIndex[k]!];
        const i = data.childNodes[k]!;
        color.setRGB(source?.[3 * i] ?? 1, source?.[3 * i + 1] ?? 1, source?.[3 * i + 2] ?? 1, SRGBColorSpace);
        coarseColors[6 * k] = coarseColors[6 * k + 3] = color.r;
        coarseColors[6 * k + 1] = coarseColors[6 * k + 4] = color.g;
        coarseColors[6 * k + 2] = coarseColors[6 * k + 5] = color.b;
      }
      lines.geometry.getAttribute('color').needsUpdate = true;
    }
    if (this.somata) {
      const soma = new Color(0xe6e6e6);
      for (let s = 0; s < this.somata.count; s += 1) this.somata.setColorAt(s, soma);
      if (this.somata.instanceColor) this.somata.instanceColor.needsUpdate = true;
    }
    this.requestRender();
  }

  /** Draws one section of one neuron over the rest (null: none). */
  setSelection(selection: { neuron: number; sectionId: number } | null): void {
    this.disposeHighlight();
    const buffers = this.buffers;
    if (!selection || !buffers) return this.requestRender();
    const picked: number[] = [];
    for (let k = 0; k < buffers.count; k += 1) {
      if (buffers.sectionIds[k] === selection.sectionId && buffers.neuronIndex[k] === selection.neuron) picked.push(k);
    }
    if (picked.length > 0) {
      const matrices = new Float32Array(16 * picked.length);
      const taper = new Float32Array(2 * picked.length);
      const positions = new Float32Array(6 * picked.length);
      const grow = new Matrix4();
      picked.forEach((k, j) => {
        // 30 % wider, so the highlight shows around the tube it covers.
        grow.fromArray(buffers.matrices, 16 * k);
        const e = grow.elements;
        for (const c of [0, 1, 2, 8, 9, 10]) e[c] = e[c]! * 1.3;
        matrices.set(e, 16 * j);
        taper.set(buffers.taper.subarray(2 * k, 2 * k + 2), 2 * j);
        positions.set(buffers.linePositions.subarray(6 * k, 6 * k + 6), 6 * j);
      });
      const tubes = new InstancedMesh(tubeGeometry(taper), this.highlightTubeMaterial, picked.length);
      tubes.instanceMatrix = new InstancedBufferAttribute(matrices, 16);
      tubes.frustumCulled = false;
      this.highlightTubes = tubes;
      this.scene.add(tubes);
      const geometry = new BufferGeometry();
      geometry.setAttribute('position', new BufferAttribute(positions, 3));
      this.highlightLines = new LineSegments(geometry, this.highlightLineMaterial);
      this.highlightLines.frustumCulled = false;
      this.highlightLines.renderOrder = 10;
      this.scene.add(this.highlightLines);
    }
    this.requestRender();
  }

  /** Tubes (with the automatic level of detail) or always lines. */
  setStyle(style: DrawStyle): void {
    this.style = style;
    this.requestRender();
  }

  setProjection(projection: Projection): void {
    this.projection = projection;
    this.requestRender();
  }

  /** Fits everything drawn in view, looking down −z with y up (the usual SWC orientation). */
  fit(keepDirection = false): void {
    const { centre, radius } = this.fitSphere;
    if (keepDirection) this.rig.fit(centre, radius);
    else this.rig.fit(centre, radius, new Vector3(0, 0, -1), new Vector3(0, 1, 0));
    this.camera.near = Math.max(1e-3, radius / 2000);
    this.camera.far = radius * 100;
    this.camera.updateProjectionMatrix();
  }

  /** Keyboard orbit (arrows, shift+arrows, + / −); true when the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    return this.rig.handleKey(event);
  }

  /** Turns the view (radians), as a drag does. */
  rotate(right: number, up: number): void {
    this.rig.rotate(right, up);
  }

  /** The segment under a client point: an exact hit on the tubes, else the nearest within a few pixels. */
  pick(clientX: number, clientY: number): PickedSegment | null {
    const buffers = this.buffers;
    const ndc = toNdc(clientX, clientY, this.canvas.getBoundingClientRect());
    if (!ndc || !buffers || buffers.count === 0) return null;
    const camera = this.activeCamera();
    const raycaster = new Raycaster();
    raycaster.setFromCamera(ndc, camera);
    let k = -1;
    if (this.lod === 'tubes' && this.tubes) {
      const hit = raycaster.intersectObject(this.tubes, false)[0];
      if (hit?.instanceId !== undefined) k = hit.instanceId;
    }
    if (k < 0) {
      const { origin, direction } = raycaster.ray;
      k = nearestSegmentToRay(buffers, [origin.x, origin.y, origin.z], [direction.x, direction.y, direction.z], PICK_TOLERANCE_PX * this.rig.worldPerPixel());
    }
    if (k < 0) return null;
    return { neuron: buffers.neuronIndex[k]!, sectionId: buffers.sectionIds[k]!, node: buffers.childNodes[k]! };
  }

  /** Where a world point is drawn, in client pixels (for tests). */
  screenPoint(x: number, y: number, z: number): { x: number; y: number } {
    const camera = this.activeCamera();
    const point = new Vector3(x, y, z).project(camera);
    const rect = this.canvas.getBoundingClientRect();
    return { x: rect.left + ((point.x + 1) / 2) * rect.width, y: rect.top + ((1 - point.y) / 2) * rect.height };
  }

  stats(): MorphologySceneStats {
    return {
      nodes: this.nodeCount,
      segments: this.buffers?.count ?? 0,
      somata: this.somata?.count ?? 0,
      lod: this.lod,
      projection: this.projection,
      umPerPx: this.rig.worldPerPixel(),
      renderMs: this.lastRenderMs,
    };
  }

  requestRender(): void {
    this.frames.request();
  }

  dispose(): void {
    this.disposed = true;
    this.frames.stop();
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.resizeObserver.disconnect();
    this.rig.dispose();
    this.disposeNeurons();
    this.tubeMaterial.dispose();
    this.highlightTubeMaterial.dispose();
    this.lineMaterial.dispose();
    this.highlightLineMaterial.dispose();
    this.sphere.dispose();
    this.somaMaterial.dispose();
    releaseSceneRenderer(this.renderer);
  }

  private moved(): void {
    this.lastMoveAt = performance.now();
    this.requestRender();
    // Once the view rests, draw again (tubes may come back).
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.requestRender();
    }, SETTLE_MS + 20);
  }

  private activeCamera(): Camera {
    if (this.projection === 'perspective') return this.camera;
    const distance = this.camera.position.distanceTo(this.rig.target);
    const halfHeight = distance * Math.tan(((this.camera.fov * Math.PI) / 180) / 2);
    const halfWidth = halfHeight * this.camera.aspect;
    const ortho = this.ortho;
    ortho.left = -halfWidth;
    ortho.right = halfWidth;
    ortho.top = halfHeight;
    ortho.bottom = -halfHeight;
    // Orthographic depth is not tied to the eye: keep everything around the target in range.
    ortho.near = -this.camera.far;
    ortho.far = this.camera.far;
    ortho.position.copy(this.camera.position);
    ortho.quaternion.copy(this.camera.quaternion);
    ortho.updateProjectionMatrix();
    ortho.updateMatrixWorld(true);
    return ortho;
  }

  private render(): void {
    if (this.disposed) return;
    const buffers = this.buffers;
    const umPerPx = this.rig.worldPerPixel();
    this.lod = !this.autoLod ? this.style : chooseLod({
      style: this.style,
      segmentCount: buffers?.count ?? 0,
      medianRadiusPx: buffers ? buffers.medianRadiusUm / Math.max(1e-9, umPerPx) : 0,
      moving: performance.now() - this.lastMoveAt < SETTLE_MS,
    });
    if (this.tubes) this.tubes.visible = this.lod === 'tubes';
    if (this.lines) this.lines.visible = this.lod === 'lines';
    if (this.coarse) this.coarse.lines.visible = this.lod === 'coarse';
    if (this.highlightTubes) this.highlightTubes.visible = this.lod === 'tubes';
    const camera = this.activeCamera();
    // The headlight rides on the perspective camera; in orthographic view it still points along the view.
    const started = performance.now();
    this.renderer.render(this.scene, camera);
    this.lastRenderMs = performance.now() - started;
    this.onRender?.(this.stats());
  }

  private resize(): void {
    fitRendererToContainer(this.renderer, this.camera, this.container);
    this.requestRender();
  }

  private disposeHighlight(): void {
    if (this.highlightTubes) {
      this.highlightTubes.removeFromParent();
      this.highlightTubes.geometry.dispose();
      this.highlightTubes.dispose();
      this.highlightTubes = null;
    }
    if (this.highlightLines) {
      this.highlightLines.removeFromParent();
      this.highlightLines.geometry.dispose();
      this.highlightLines = null;
    }
  }

  private disposeNeurons(): void {
    this.disposeHighlight();
    if (this.tubes) {
      this.tubes.removeFromParent();
      this.tubes.geometry.dispose();
      this.tubes.dispose();
      this.tubes = null;
    }
    if (this.lines) {
      this.lines.removeFromParent();
      this.lines.geometry.dispose();
      this.lines = null;
    }
    if (this.coarse) {
      this.coarse.lines.removeFromParent();
      this.coarse.lines.geometry.dispose();
      this.coarse = null;
    }
    if (this.somata) {
      this.somata.removeFromParent();
      this.somata.dispose();
      this.somata = null;
    }
    this.buffers = null;
    this.nodeCount = 0;
  }
}
