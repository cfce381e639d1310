/**
 * `cajal info` for brain images: what a NIfTI header (dimensions, voxel size, datatype, scaling,
 * the affine and which transform gave it, units, TR), a GIfTI file (its data arrays, the mesh, the
 * label table) or an mz3 mesh says, without a project.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { formatBytes } from '../../shared/units.js';
import { table } from '../console/format.js';
import { report, type Output } from '../console/output.js';
import { spaceText, voxelSizeText } from '../io/brain/index.js';
import { giftiKind, giftiSurface, readGifti } from '../io/gifti/index.js';
import { readMz3 } from '../io/mz3/index.js';
import { openNifti } from '../io/nifti/index.js';

const affineRows = (affine: readonly number[]) => [0, 1, 2, 3].map((r) => affine.slice(4 * r, 4 * r + 4));
const showRow = (row: readonly number[]) => row.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(4))).map((s) => s.padStart(10)).join(' ');

export async function niftiInfo(file: string, io: Output): Promise<number> {
  const image = await openNifti(file);
  try {
    const { header } = image;
    const value = {
      file,
      fileSizeBytes: statSync(file).size,
      format: `NIfTI-${header.version}${header.compressed ? ' (gzip)' : ''}`,
      dims: header.dims,
      volumeCount: image.volumeCount,
      voxelSizeMm: header.pixdim.slice(0, 3),
      trS: header.trS,
      datatype: header.datatype,
      sclSlope: header.sclSlope,
      sclInter: header.sclInter,
      affine: header.affine,
      space: spaceText(header.sformCode, header.qformCode),
      sformCode: header.sformCode,
      qformCode: header.qformCode,
      xyzUnits: header.xyzUnits,
      timeUnits: header.timeUnits,
      intentCode: header.intentCode,
      description: header.descrip,
    };
    report(io, value, (v) => {
      io.out(`file         ${v.file} (${formatBytes(v.fileSizeBytes)})`);
      io.out(`format       ${v.format}`);
      io.out(`dimensions   ${v.dims.join(' × ')}${v.volumeCount > 1 ? ` (${v.volumeCount} volumes)` : ''}`);
      io.out(`voxel size   ${voxelSizeText(v.voxelSizeMm)} (${v.voxelSizeMm.map((s) => Number(s.toFixed(4))).join(' × ')}, units ${v.xyzUnits})`);
      io.out(`TR           ${v.trS === null ? '–' : `${v.trS} s`}`);
      io.out(`datatype     ${v.datatype}${v.sclSlope !== 0 && (v.sclSlope !== 1 || v.sclInter !== 0) ? `, scaled ×${v.sclSlope} + ${v.sclInter}` : ''}`);
      io.out(`space        ${v.space}; sform code ${v.sformCode}, qform code ${v.qformCode}`);
      io.out('affine');
      for (const row of affineRows(v.affine)) io.out(`  ${showRow(row)}`);
      if (v.description.trim()) io.out(`description  ${v.description.trim()}`);
    });
    return 0;
  } finally {
    await image.close();
  }
}

export async function giftiInfo(file: string, io: Output): Promise<number> {
  const gifti = await readGifti(file);
  const kind = giftiKind(gifti);
  const mesh = kind === 'surface' ? giftiSurface(gifti) : null;
  const value = {
    file,
    fileSizeBytes: statSync(file).size,
    format: 'GIfTI',
    kind,
    vertexCount: mesh ? mesh.vertices.length / 3 : (gifti.arrays[0]?.dims[0] ?? 0),
    faceCount: mesh ? mesh.faces.length / 3 : null,
    arrays: gifti.arrays.map((a) => ({ intent: a.intent, datatype: a.datatype, dims: a.dims, transform: a.transform, space: a.transformSpaces })),
    labelCount: gifti.labelTable.length,
    metadata: gifti.metadata,
  };
  report(io, value, (v) => {
    io.out(`file         ${v.file} (${formatBytes(v.fileSizeBytes)})`);
    io.out(`format       GIfTI, ${v.kind}`);
    io.out(`vertices     ${v.vertexCount}${v.faceCount !== null ? `, ${v.faceCount} triangles` : ''}`);
    if (v.labelCount) io.out(`labels       ${v.labelCount}`);
    for (const [key, text] of Object.entries(v.metadata).slice(0, 12)) io.out(`${key.padEnd(12)} ${text}`);
    io.out('');
    io.out(table(['#', 'intent', 'datatype', 'dimensions'], v.arrays.map((a, i) => [i, a.intent.replace(/^NIFTI_INTENT_/, ''), a.datatype.replace(/^NIFTI_TYPE_/, ''), a.dims.join(' × ')])));
    const transformed = v.arrays.find((a) => a.transform);
    if (transformed?.transform) {
      io.out(`affine (${transformed.space ? `${transformed.space.dataSpace} → ${transformed.space.transformedSpace}` : 'transform'})`);
      for (const row of affineRows(transformed.transform)) io.out(`  ${showRow(row)}`);
    }
  });
  return 0;
}

export async function mz3Info(file: string, io: Output): Promise<number> {
  const { mesh, scalars, colours } = await readMz3(file);
  const value = {
    file,
    fileSizeBytes: statSync(file).size,
    format: 'mz3',
    vertexCount: mesh.vertices.length / 3,
    faceCount: mesh.faces.length / 3,
    hasScalars: scalars !== null,
    hasColours: colours !== null,
  };
  report(io, value, (v) => {
    io.out(`file         ${v.file} (${formatBytes(v.fileSizeBytes)})`);
    io.out(`format       mz3 mesh (${basename(v.file)})`);
    io.out(`vertices     ${v.vertexCount}, ${v.faceCount} triangles`);
    io.out(`per vertex   ${[v.hasScalars ? 'scalars' : null, v.hasColours ? 'colours' : null].filter(Boolean).join(', ') || '–'}`);
  });
  return 0;
}
