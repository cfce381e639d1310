/**
 * NiiVue in a React box: one WebGL2 canvas, the layers it is given (reloaded when their keys
 * change, restyled in place otherwise), the slice layout, and the crosshair: moved by a click or
 * a drag in the view (reported through `onLocation`, in mm) or by the panel (`crosshairMm`, e.g.
 * a cluster's peak). `data-ready` turns "true" once the layers asked for are drawn; `data-layers`
 * names them. NiiVue draws on demand (on input), never in a loop, which suits software WebGL.
 */
import { Niivue, NVImage, SHOW_RENDER, SLICE_TYPE } from '@niivue/niivue';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/context.js';
import { NEGATIVE_KEY, NEGATIVE_SCALE, POSITIVE_KEY, POSITIVE_SCALE, VALUES_KEY, VALUES_SCALE } from './colourScale.js';
import { isSoftwareWebGL } from './downsample.js';
import { FrameBudget } from './frameBudget.js';
import { InteractiveDraw } from './interactiveDraw.js';
import { applyDisplay, type VolumeLayer } from './niivueLayers.js';

/**
 * The pixel ratio while the view is dragged or wheeled (interactiveDraw.ts), adapted to hold 30
 * frames/s (frameBudget.ts): ray casting and slice passes cost per pixel, so in software WebGL a
 * turning brain is drawn at a fraction of the resolution (as the morphology view draws coarse lines
 * while moving) and at full resolution again once the interaction settles. The starting points in
 * software WebGL come from the e2e in SwiftShader on 2 cores at load 1.3, when NiiVue still drew 3
 * times a frame in 3D and twice in slices: 3D at 0.2 (172 × 154 pixels) 5 frames/s, about 65 ms a
 * draw, twice the budget; slices at 0.35 42 frames/s, about 12 ms a draw. The floors keep the
 * moving image readable (slices are dragged to place the crosshair, so they stay finer).
 */
const MOVING = {
  render: { initial: 0.14, min: 0.1 },
  slices: { initial: 0.35, min: 0.25 },
};
/**
 * 30 frames/s. Animation frames come in whole display periods: frames of two (33.3 ms at 60 Hz) are
 * on budget, a mean just over it is not.
 */
const FRAME_BUDGET_MS = 33.5;
/** One per kind of view for the page's life: what a drag learnt holds for the next one. */
const budgets = new Map<'render' | 'slices', FrameBudget>();

function frameBudget(kind: 'render' | 'slices'): FrameBudget {
  let budget = budgets.get(kind);
  if (!budget) {
    const full = window.devicePixelRatio || 1;
    // On a GPU the full resolution usually fits: start there and coarsen only if it does not.
    const initial = isSoftwareWebGL() ? MOVING[kind].initial : full;
    budget = new FrameBudget({ targetMs: FRAME_BUDGET_MS, initial, min: Math.min(MOVING[kind].min, full), max: full });
    budgets.set(kind, budget);
  }
  return budget;
}

export type SliceLayout = 'multiplanar' | 'render' | 'axial' | 'coronal' | 'sagittal';

const SLICE_TYPES: Record<SliceLayout, SLICE_TYPE> = {
  multiplanar: SLICE_TYPE.MULTIPLANAR,
  render: SLICE_TYPE.RENDER,
  axial: SLICE_TYPE.AXIAL,
  coronal: SLICE_TYPE.CORONAL,
  sagittal: SLICE_TYPE.SAGITTAL,
};

export interface NiivueCanvasProps {
  layers: readonly VolumeLayer[];
  layout: SliceLayout;
  /** Move the crosshair here (mm); a new array object moves it again to the same place. */
  crosshairMm: readonly [number, number, number] | null;
  onLocation(mm: [number, number, number]): void;
  label: string;
}

export function NiivueCanvas({ layers, layout, crosshairMm, onLocation, label }: NiivueCanvasProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const nvRef = useRef<Niivue | null>(null);
  const onLocationRef = useRef(onLocation);
  onLocationRef.current = onLocation;
  const [attached, setAttached] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  /** Keys of the layers NiiVue holds now, bottom first. */
  const [loadedKeys, setLoadedKeys] = useState('');
  const generation = useRef(0);
  /** The layers whose display NiiVue shows (set on load), so an unchanged display is not re-applied. */
  const appliedLayers = useRef<readonly VolumeLayer[] | null>(null);
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let cancelled = false;
    const nv = new Niivue({
      backColor: [0, 0, 0, 1],
      show3Dcrosshair: true,
      crosshairColor: [0.2, 0.85, 0.2, 1],
      crosshairWidth: 1,
      isColorbar: false,
      isOrientCube: false,
      isOrientationTextVisible: true,
      // Slices alone in the slice layout: a 3D tile would ray-cast on every crosshair move, which
      // software WebGL cannot do at interactive rates; the 3D render is its own layout.
      multiplanarShowRender: SHOW_RENDER.NEVER,
      // The app imports files in the Library: dropping one on the canvas would bypass it.
      dragAndDropEnabled: false,
      logLevel: 'error',
      loadingText: '',
      isNearestInterpolation: false,
    });
    nv.addColormap(POSITIVE_KEY, POSITIVE_SCALE);
    nv.addColormap(NEGATIVE_KEY, NEGATIVE_SCALE);
    nv.addColormap(VALUES_KEY, VALUES_SCALE);
    nv.onLocationChange = (location: unknown) => {
      const mm = (location as { mm?: ArrayLike<number> }).mm;
      if (mm) onLocationRef.current([mm[0]!, mm[1]!, mm[2]!]);
    };
    // Frames drawn, counted on the canvas (data-draws) for the e2e speed check; while interacting
    // NiiVue's many drawScene calls are coalesced into one draw per animation frame.
    let draws = 0;
    // The 3D render costs far more per pixel than slices: each has its own budget.
    const viewKind = () => (layoutRef.current === 'render' ? 'render' : 'slices');
    const interaction = new InteractiveDraw(nv, {
      movingRatio: () => frameBudget(viewKind()).ratio,
      onFrameTime: (ms, ratio) => frameBudget(viewKind()).record(ms, ratio),
      ready: () => nvRef.current === nv && nv.volumes.length > 0,
      onDraw: () => {
        draws += 1;
        canvas.dataset.draws = String(draws);
      },
      onRatio: (ratio) => {
        canvas.dataset.pixelRatio = ratio ? String(ratio) : '';
      },
    });
    nv.attachToCanvas(canvas, false).then(
      () => {
        if (cancelled) return;
        nvRef.current = nv;
        setAttached(true);
      },
      (error: unknown) => !cancelled && setFailure(`Brain view unavailable (WebGL2): ${errorMessage(error)}`),
    );
    // Capture phase, so the interaction begins before NiiVue's own listeners draw. The release is
    // watched on the window (a drag may end outside the canvas).
    const onDown = () => interaction.begin();
    // A release outside the window sends no mouseup: the next move without a button ends the drag.
    const onMove = (event: MouseEvent) => event.buttons === 0 && interaction.interacting && !interaction.settling && interaction.settleSoon();
    const onUp = () => interaction.settleSoon();
    const onWheel = () => {
      interaction.begin();
      interaction.settleSoon();
    };
    // NiiVue's double-click depth picking draws twice and reads pixels back in between: synchronous.
    const onDoubleClick = () => interaction.settle();
    canvas.addEventListener('mousedown', onDown, { capture: true });
    canvas.addEventListener('mousemove', onMove, { capture: true });
    canvas.addEventListener('wheel', onWheel, { capture: true, passive: true });
    canvas.addEventListener('dblclick', onDoubleClick, { capture: true });
    window.addEventListener('mouseup', onUp, { capture: true });
    return () => {
      cancelled = true;
      canvas.removeEventListener('mousedown', onDown, { capture: true });
      canvas.removeEventListener('mousemove', onMove, { capture: true });
      canvas.removeEventListener('wheel', onWheel, { capture: true });
      canvas.removeEventListener('dblclick', onDoubleClick, { capture: true });
      window.removeEventListener('mouseup', onUp, { capture: true });
      interaction.dispose();
      nvRef.current = null;
      nv.cleanup();
      // Give the WebGL context back now: browsers cap live contexts.
      (nv.gl?.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    };
  }, []);

  const wantedKeys = layers.map((l) => l.key).join('|');

  // Data: reload every layer when the set of keys changes (layers are few, and the order matters).
  useEffect(() => {
    const nv = nvRef.current;
    if (!attached || !nv || wantedKeys === loadedKeys) return;
    const mine = ++generation.current;
    (async () => {
      const images: NVImage[] = [];
      for (const layer of layers) {
        const image = await NVImage.loadFromUrl({ url: layer.nifti(), name: `${layer.name}.nii`, colormap: 'gray' });
        applyDisplay(image, layer.display);
        images.push(image);
      }
      if (mine !== generation.current || nvRef.current !== nv) return;
      // Keep the crosshair where it was in mm (a new background changes what a fraction means).
      const before = nv.volumes.length > 0 ? nv.frac2mm(nv.scene.crosshairPos) : null;
      // All layers at once and one GPU refresh: addVolume/removeVolume each rebuild every layer's
      // textures, which software WebGL pays for in seconds.
      nv.volumes = images;
      nv.back = images[0] ?? null;
      nv.overlays = images.slice(1);
      nv.updateGLVolume();
      if (before) {
        nv.scene.crosshairPos = nv.mm2frac(before);
        nv.drawScene();
      }
      appliedLayers.current = layers;
      reportLocation(nv);
      setLoadedKeys(wantedKeys);
    })().catch((error: unknown) => mine === generation.current && setFailure(`Could not show the volume: ${errorMessage(error)}`));
    // `layers` is read through its keys; the display follows in its own effect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attached, wantedKeys]);

  // Display: thresholds, colours, opacity applied in place.
  useEffect(() => {
    const nv = nvRef.current;
    if (!nv || loadedKeys !== wantedKeys || appliedLayers.current === layers) return;
    appliedLayers.current = layers;
    nv.volumes.forEach((image, i) => {
      const layer = layers[i];
      if (layer) applyDisplay(image, layer.display);
    });
    nv.updateGLVolume();
  }, [layers, loadedKeys, wantedKeys]);

  useEffect(() => {
    const nv = nvRef.current;
    if (!nv || !attached) return;
    nv.setSliceType(SLICE_TYPES[layout]);
  }, [layout, attached, loadedKeys]);

  useEffect(() => {
    const nv = nvRef.current;
    if (!nv || !crosshairMm || loadedKeys === '' || nv.volumes.length === 0) return;
    nv.scene.crosshairPos = nv.mm2frac([crosshairMm[0], crosshairMm[1], crosshairMm[2]]);
    nv.drawScene();
    reportLocation(nv);
  }, [crosshairMm, loadedKeys]);

  /**
   * Tells the panel where the crosshair is after the panel moved it. NiiVue's own
   * createOnLocationChange formats a string first and throws on a zero-extent scene (toFixed with
   * infinite digits); the panel needs only the mm.
   */
  function reportLocation(nv: Niivue): void {
    const mm = nv.frac2mm(nv.scene.crosshairPos);
    if (Number.isFinite(mm[0]) && Number.isFinite(mm[1]) && Number.isFinite(mm[2])) onLocationRef.current([mm[0]!, mm[1]!, mm[2]!]);
  }

  const ready = attached && failure === null && loadedKeys === wantedKeys && wantedKeys !== '';
  return (
    <div className="fmri-niivue" data-ready={ready ? 'true' : 'false'} data-layers={loadedKeys} data-layout={layout}>
      <canvas ref={canvasRef} className="fmri-niivue-canvas" role="img" aria-label={label} tabIndex={0} />
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
