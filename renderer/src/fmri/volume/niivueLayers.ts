/**
 * What the NiiVue canvas is asked to draw: layers of volumes, bottom first, each with its display.
 * Kept apart from the component so the panels build layers without touching NiiVue, and so the
 * NiiVue-specific settings (colormap names, cal_min/cal_max, the negative range) live in one place.
 */
import type { NVImage } from '@niivue/niivue';
import type { BrainVolume } from '../../../../shared/api/index.js';
import { NEGATIVE_KEY, POSITIVE_KEY, VALUES_KEY } from './colourScale.js';
import { halveResolution } from './downsample.js';
import { niftiFromVolume } from './niftiWriter.js';

/** A label table in NiiVue's form: stops at each label value, with names. */
export interface LabelColourMap {
  R: number[];
  G: number[];
  B: number[];
  A: number[];
  I: number[];
  labels: string[];
}

export type LayerDisplay =
  /** An anatomical image in grays between min and max. */
  | { kind: 'gray'; min: number; max: number; opacity: number }
  /** A signed statistical map: positive values ≥ `positive` warm, negative ≤ −`negative` cool. */
  | { kind: 'signed'; positive: number; negative: number; max: number; opacity: number }
  /** Values of one scale between `from` and `to` (an ROI map); NaN voxels transparent. */
  | { kind: 'values'; from: number; to: number; opacity: number }
  /** A label atlas in its label colours. */
  | { kind: 'labels'; colours: LabelColourMap; opacity: number };

export interface VolumeLayer {
  /** The data's identity: a change of key reloads the layer, a change of display does not. */
  key: string;
  name: string;
  /** A NIfTI-1 file of the layer, built when (re)loaded. */
  nifti(): ArrayBuffer;
  display: LayerDisplay;
}

/** A value NiiVue takes as "hide everything" for a threshold of 0 (a sign turned off). */
const OFF = 1e30;

/** Applies a display to a loaded NiiVue image (call updateGLVolume afterwards). */
export function applyDisplay(image: NVImage, display: LayerDisplay): void {
  image.opacity = display.opacity;
  switch (display.kind) {
    case 'gray':
      image.colormap = 'gray';
      image.cal_min = display.min;
      image.cal_max = display.max;
      image.colormapNegative = '';
      break;
    case 'signed': {
      const max = Math.max(display.max, display.positive, display.negative) || 1;
      image.colormap = POSITIVE_KEY;
      image.cal_min = display.positive > 0 ? display.positive : OFF;
      image.cal_max = display.positive > 0 ? Math.max(max, display.positive * 1.0001) : OFF * 2;
      // NiiVue's negative range is given in the map's own (negative) values.
      image.colormapNegative = display.negative > 0 ? NEGATIVE_KEY : '';
      image.cal_minNeg = -Math.max(max, display.negative * 1.0001);
      image.cal_maxNeg = -display.negative;
      break;
    }
    case 'values':
      image.colormap = VALUES_KEY;
      image.cal_min = display.from;
      image.cal_max = display.to > display.from ? display.to : display.from + 1;
      image.colormapNegative = '';
      break;
    case 'labels':
      image.setColormapLabel(display.colours);
      break;
  }
}

/**
 * A gray layer of an anatomical volume, windowed on its robust range; `halved` shows it at half
 * resolution (a 1 mm template under software WebGL: see downsample.ts).
 */
export function grayLayer(volume: BrainVolume, opacity = 1, halved = false): VolumeLayer {
  return {
    key: `gray:${volume.recordingId}:${volume.volume}${halved ? ':half' : ''}`,
    name: volume.name,
    nifti: () => niftiFromVolume(halved ? halveResolution(volume) : volume),
    display: { kind: 'gray', min: volume.robustMin, max: volume.robustMax > volume.robustMin ? volume.robustMax : volume.max, opacity },
  };
}


/** Under software WebGL, a background finer than 1.5 mm is shown at half resolution. */
export function backgroundNeedsHalving(volume: BrainVolume, software: boolean): boolean {
  return software && Math.max(...volume.voxelSizeMm) < 1.5 && volume.dims[0] * volume.dims[1] * volume.dims[2] > 2_000_000;
}
