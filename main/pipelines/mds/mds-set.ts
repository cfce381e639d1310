/**
 * A clustering's MDS set as a stored model (pipeline `mds-clustering`): the MDS clips and what
 * on-the-fly assignment needs (each cluster's id and majority type, the model's responses of the
 * clustered cells, the response window). mds-cluster produces it with its results; mds-assign
 * uses it (`usesModel`), because a pipeline's worker never opens the project and so cannot read
 * another run's results. Bytes: "MDSSET1\n", a uint32 header length, the JSON header, then the
 * float32 MDS [clusters, frames, H, W, C] and responses [clusters, neurons] (little-endian).
 */
import type { MdsStimulusShape } from '../../../shared/api/mds.js';
import { FormatError } from '../../errors.js';

export const MDS_SET_PIPELINE = 'mds-clustering';
export const MDS_SET_FORMAT = 'mds-set-v1';
const MAGIC = 'MDSSET1\n';

export interface MdsSetHeader {
  clusteringRunId: number;
  responseModelId: number | null;
  stimulus: MdsStimulusShape;
  clusterIds: number[];
  majorityTypes: (string | null)[];
  assignment: number[];
  unitIds: string[];
  cellTypes: (string | null)[];
  /** Output frames the response model averages (the last frames of the clip). */
  responseWindow: number;
}

export interface MdsSet extends MdsSetHeader {
  mds: Float32Array;
  responses: Float32Array;
}

export function encodeMdsSet(set: MdsSet): Uint8Array {
  const { mds, responses, ...header } = set;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const head = 8 + 4 + json.length;
  const pad = (4 - (head % 4)) % 4;
  const out = new Uint8Array(head + pad + 4 * (mds.length + responses.length));
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length + pad, true);
  out.set(json, 12);
  out.fill(0x20, 12 + json.length, head + pad);
  const floats = new DataView(out.buffer, head + pad);
  [...mds, ...responses].forEach((v, i) => floats.setFloat32(4 * i, v, true));
  return out;
}

export function decodeMdsSet(bytes: Uint8Array, source: string): MdsSet {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new FormatError(source, 'not an MDS set (bad magic)', 'magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as MdsSetHeader;
  const s = header.stimulus;
  const k = header.clusterIds.length;
  const mdsLength = k * s.frames * s.height * s.width * s.channels;
  const respLength = k * header.unitIds.length;
  const start = 12 + length;
  if (bytes.length !== start + 4 * (mdsLength + respLength)) throw new FormatError(source, `expected ${mdsLength + respLength} float32 values after the header`, 'data');
  const floats = new Float32Array(mdsLength + respLength);
  for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(start + 4 * i, true);
  return { ...header, mds: floats.slice(0, mdsLength), responses: floats.slice(mdsLength) };
}
