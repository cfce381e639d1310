/**
 * NIfTI-1/2 images as recordings: a 4D run with more than one volume is an `fmri` recording (type
 * `bold`); a 3D image is a `brain-map`, of type `atlas` when it is a label image (integer-valued
 * with a labels file beside it, or NIFTI_INTENT_LABEL), else `volume` (a template, a statistical map).
 */
import { basename } from 'node:path';
import type { BrainMetadata } from '../../../shared/api/index.js';
import { findAtlasLabels, readAtlasLabels } from '../atlas/index.js';
import { openNifti, type NiftiHeader, type NiftiImage } from '../nifti/index.js';
import type { InspectedRecording } from '../recording.js';
import { brainRecordingMetadata, inspectedFile, spaceText, voxelSizeText } from './metadata.js';

/** NIFTI_INTENT_LABEL: "the values are labels" (nifti1.h). */
export const NIFTI_INTENT_LABEL = 1002;

const INTEGER_DTYPES: ReadonlySet<string> = new Set(['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Whether the stored values are integers after scaling, by the header alone (no slope, or slope 1 and no offset). */
function integerByHeader(header: NiftiHeader): boolean {
  const unscaled = header.sclSlope === 0 || !Number.isFinite(header.sclSlope) || (header.sclSlope === 1 && (header.sclInter === 0 || !Number.isFinite(header.sclInter)));
  return INTEGER_DTYPES.has(header.datatype) && unscaled;
}

/** Whether every finite value of a volume is an integer (a float-stored atlas such as aal.nii.gz). */
export function allIntegers(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v) && v !== Math.round(v)) return false;
  }
  return true;
}

/** The distinct non-zero values of an integer volume, ascending. */
export function distinctLabels(data: Float32Array): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== 0 && Number.isFinite(v)) seen.add(v);
  }
  return [...seen].sort((a, b) => a - b);
}

export interface NiftiRole {
  type: 'bold' | 'volume' | 'atlas';
  labelsFile: string | null;
  /** Regions named by the labels file, else distinct non-zero values (atlases only). */
  regionCount: number | null;
}

/** Decides what a NIfTI image is (reading the volume only for a possible atlas). */
export async function niftiRole(path: string, image: NiftiImage): Promise<NiftiRole> {
  const { header } = image;
  if (image.volumeCount > 1) return { type: 'bold', labelsFile: null, regionCount: null };
  const labelsFile = await findAtlasLabels(path);
  const intentLabel = header.intentCode === NIFTI_INTENT_LABEL;
  if (!labelsFile && !intentLabel) return { type: 'volume', labelsFile: null, regionCount: null };
  const data = await image.readVolume(0);
  if (!integerByHeader(header) && !allIntegers(data)) return { type: 'volume', labelsFile: null, regionCount: null };
  const regionCount = labelsFile ? (await readAtlasLabels(labelsFile)).length : distinctLabels(data).length;
  return { type: 'atlas', labelsFile, regionCount };
}

export function niftiDescription(header: NiftiHeader, volumeCount: number, role: NiftiRole): string {
  const spatial = header.dims.slice(0, 3);
  const parts = [spatial.join('×')];
  if (role.type === 'bold') parts.push(`${volumeCount} volumes${header.trS ? `, TR ${Number(header.trS.toFixed(3))} s` : ''}`);
  parts.push(voxelSizeText(header.pixdim.slice(0, 3)), header.datatype, spaceText(header.sformCode, header.qformCode));
  if (role.type === 'atlas') parts.push(`atlas of ${role.regionCount} regions${role.labelsFile ? ` (${basename(role.labelsFile)})` : ''}`);
  return parts.join(', ');
}

/** Longer than any fMRI protocol's repetition time (sparse-sampling designs reach ~10–20 s). */
const MAX_PLAUSIBLE_TR_S = 60;

export async function niftiBrainMetadata(path: string): Promise<{ kind: 'fmri' | 'brain-map'; brain: BrainMetadata; header: NiftiHeader }> {
  const image = await openNifti(path);
  try {
    const { header } = image;
    const role = await niftiRole(path, image);
    const warnings: string[] = [];
    if (header.sformCode === 0 && header.qformCode === 0) warnings.push('neither sform nor qform is set: positions in mm come from pixdim alone');
    // Kept as the header says (nibabel does too), but a repetition time of minutes is almost always
    // milliseconds labelled as seconds (nibabel's example4d: 2000 "s"): say so where the user looks.
    if (role.type === 'bold' && header.trS !== null && header.trS > MAX_PLAUSIBLE_TR_S) {
      warnings.push(`TR ${Number(header.trS.toFixed(3))} s (xyzt_units: ${header.timeUnits}) is implausibly long for fMRI: the header probably holds milliseconds`);
    }
    const brain: BrainMetadata = {
      type: role.type,
      description: niftiDescription(header, image.volumeCount, role),
      dims: [...header.dims],
      voxelSizeMm: header.pixdim.slice(0, 3),
      affine: [...header.affine],
      trS: role.type === 'bold' ? header.trS : null,
      datatype: header.datatype,
      volumeCount: image.volumeCount,
      ...(role.type === 'atlas' ? { labelsFile: role.labelsFile, regionCount: role.regionCount ?? 0 } : {}),
      warnings,
    };
    return { kind: role.type === 'bold' ? 'fmri' : 'brain-map', brain, header };
  } finally {
    await image.close();
  }
}

export async function inspectNifti(path: string): Promise<InspectedRecording> {
  const { kind, brain, header } = await niftiBrainMetadata(path);
  const time = kind === 'fmri' ? { samples: brain.volumeCount ?? 1, trS: brain.trS ?? null } : undefined;
  return inspectedFile(path, header.version === 2 ? 'nifti2' : 'nifti1', brainRecordingMetadata(kind, brain, time ? { time } : {}));
}
