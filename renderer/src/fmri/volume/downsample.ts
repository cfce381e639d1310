/**
 * A volume at half its resolution (2×2×2 blocks averaged), with the affine that keeps it in place:
 * new voxel i covers old voxels 2i and 2i+1, whose centre is old voxel 2i + 0.5. Used for the
 * background template under software WebGL, where every texture rebuild and every ray step costs
 * CPU time: a 1 mm template is 8.7 million voxels, at 2 mm 1.1 million (the maps are 2–3 mm).
 */
export interface GridVolume {
  dims: readonly [number, number, number];
  affine: readonly number[];
  data: Float32Array;
}

export function halveResolution(volume: GridVolume): { dims: [number, number, number]; affine: number[]; data: Float32Array } {
  const [nx, ny, nz] = volume.dims;
  const dims: [number, number, number] = [Math.ceil(nx / 2), Math.ceil(ny / 2), Math.ceil(nz / 2)];
  const data = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k += 1)
    for (let j = 0; j < dims[1]; j += 1)
      for (let i = 0; i < dims[0]; i += 1) {
        let sum = 0;
        let count = 0;
        for (let dk = 0; dk < 2; dk += 1) {
          const z = 2 * k + dk;
          if (z >= nz) continue;
          for (let dj = 0; dj < 2; dj += 1) {
            const y = 2 * j + dj;
            if (y >= ny) continue;
            for (let di = 0; di < 2; di += 1) {
              const x = 2 * i + di;
              if (x >= nx) continue;
              const v = volume.data[x + nx * (y + ny * z)]!;
              if (Number.isFinite(v)) {
                sum += v;
                count += 1;
              }
            }
          }
        }
        data[i + dims[0] * (j + dims[1] * k)] = count > 0 ? sum / count : 0;
      }
  // affine · [[2,0,0,.5],[0,2,0,.5],[0,0,2,.5],[0,0,0,1]]
  const a = volume.affine;
  const affine = [...a];
  for (let row = 0; row < 3; row += 1) {
    for (let col = 0; col < 3; col += 1) affine[row * 4 + col] = 2 * a[row * 4 + col]!;
    affine[row * 4 + 3] = a[row * 4 + 3]! + 0.5 * (a[row * 4]! + a[row * 4 + 1]! + a[row * 4 + 2]!);
  }
  return { dims, affine, data };
}

/** Whether this browser's WebGL is a software rasteriser (SwiftShader, llvmpipe). */
export function isSoftwareWebGL(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|software/i.test(renderer);
  } catch {
    return false;
  }
}
