/**
 * An off-screen canvas holding an image one pixel per value (a matrix, a regions × time grid), to
 * be drawn scaled up with smoothing off: the heat maps' common first step.
 */
export function pixelCanvas(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number): HTMLCanvasElement {
  const image = document.createElement('canvas');
  image.width = width;
  image.height = height;
  image.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  return image;
}
