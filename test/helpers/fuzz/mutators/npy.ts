/**
 * Suite2p plane folders: .npy header edits (shape, descr, fortran_order), element edits (NaN in
 * iscell or F), files removed or replaced by folders, the frame rate in the pickled ops.npy, and
 * blind damage to any file. Oracles follow numpy: `np.load` refuses a file shorter than its header's
 * shape or a non-numeric dtype, and Suite2p's own layout (F, Fneu and iscell agree on the ROI count).
 */
import { between, blindMutation, pickOne, weighted, type Mutation, type Oracle, type Random } from './bytes.js';

/** The header dict of a .npy file and where its elements start (v1: 2-byte length, v2/v3: 4-byte). */
export function npyHeader(bytes: Uint8Array): { dict: string; lengthBytes: 2 | 4; dataOffset: number } {
  const major = bytes[6]!;
  const lengthBytes = major === 1 ? 2 : 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = lengthBytes === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  return { dict: new TextDecoder('latin1').decode(bytes.subarray(start, start + length)), lengthBytes, dataOffset: start + length };
}

/** The file with its header dict replaced, padded to the same length where it fits (else longer). */
function withDict(bytes: Buffer, dict: string): Buffer {
  const { lengthBytes, dataOffset } = npyHeader(bytes);
  const start = 8 + lengthBytes;
  const oldLength = dataOffset - start;
  const body = dict.trimEnd();
  const text = body.length + 1 <= oldLength ? `${body.padEnd(oldLength - 1, ' ')}\n` : `${body}\n`;
  const header = Buffer.alloc(start);
  bytes.copy(header, 0, 0, 8);
  if (lengthBytes === 2) header.writeUInt16LE(text.length, 8);
  else header.writeUInt32LE(text.length, 8);
  return Buffer.concat([header, Buffer.from(text, 'latin1'), bytes.subarray(dataOffset)]);
}

export interface NpyInfo {
  descr: string;
  fortran: boolean;
  shape: number[];
  itemSize: number;
}

/** The three keys numpy writes, read leniently (for mutating real files, not for judging readers). */
export function npyInfo(bytes: Uint8Array): NpyInfo {
  const { dict } = npyHeader(bytes);
  const descr = /'descr':\s*'([^']*)'/.exec(dict)?.[1] ?? '';
  const fortran = /'fortran_order':\s*True/.test(dict);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1] ?? '';
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const itemSize = Number(/\d+$/.exec(descr)?.[0] ?? 1);
  return { descr, fortran, shape, itemSize };
}

const SHAPES = ['(0, 864)', '(99999999999, 864)', '(9007199254740993, 864)', '(23,)', '(23, 864, 2)', '(-1, 864)', '(22, 864)', '(23, 432)', '()', '(23, 865)', '(1, 23, 864)'];
const DESCRS = ['<f8', '>f4', '<c8', '|O', '<U8', '<i8', '|b1', '<f2', 'xyz', '<f4'];

const reject = (why: string): Oracle => ({ reject: why });

export type Suite2pFiles = 'F.npy' | 'Fneu.npy' | 'iscell.npy' | 'spks.npy' | 'ops.npy' | 'stat.npy';

/** What the case folder offers a mutator: read, write, remove, make a folder (paths inside the plane folder). */
export interface FolderAccess {
  read(name: string): Buffer;
  write(name: string, bytes: Uint8Array): void;
  remove(name: string): void;
  makeFolder(name: string): void;
}

/** One seeded mutation of a Suite2p plane folder. */
export function mutateSuite2p(folder: FolderAccess, random: Random): Mutation {
  const op = weighted(random, [
    [4, 'shape'],
    [3, 'descr'],
    [1, 'fortran'],
    [4, 'iscell-value'],
    [2, 'f-value'],
    [2, 'remove'],
    [1, 'folder'],
    [3, 'ops-fs'],
    [5, 'blind'],
  ] as const);
  const numeric: Suite2pFiles = pickOne(random, ['F.npy', 'F.npy', 'Fneu.npy', 'iscell.npy', 'spks.npy'] as const);
  const read = folder.read(numeric);
  const info = npyInfo(read);
  const dataBytes = read.length - npyHeader(read).dataOffset;
  const elementsIn = (shape: string, itemSize: number): number | null => {
    const dims = shape.replace(/[()]/g, '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    if (dims.some((n) => !Number.isInteger(n) || n < 0)) return null;
    return dims.reduce((a, b) => a * b, 1) * itemSize;
  };
  switch (op) {
    case 'shape': {
      const shape = pickOne(random, SHAPES);
      folder.write(numeric, withDict(read, npyHeader(read).dict.replace(/'shape':\s*\([^)]*\)/, `'shape': ${shape}`)));
      const needed = elementsIn(shape, info.itemSize);
      const original = `(${info.shape.join(', ')}${info.shape.length === 1 ? ',' : ''})`;
      // spks.npy is not read (only noted), so nothing in it can be refused.
      const oracle =
        numeric === 'spks.npy' ? undefined
        : needed === null || needed > dataBytes ? reject(`shape ${shape} needs more bytes than ${numeric} holds`)
        : shape === original ? undefined
        : numeric === 'iscell.npy' && shape === '(23,)' ? undefined
        : reject(`${numeric} shape ${shape} no longer matches the other files (23 ROIs × 864 frames)`);
      return { description: `${numeric}: header shape set to ${shape}`, ...(oracle ? { oracle } : {}) };
    }
    case 'descr': {
      const descr = pickOne(random, DESCRS);
      folder.write(numeric, withDict(read, npyHeader(read).dict.replace(/'descr':\s*'[^']*'/, `'descr': '${descr}'`)));
      const size = Number(/\d+$/.exec(descr)?.[0] ?? 0);
      const numericDescr = /^[<>|]?[fiub]\d+$/.test(descr);
      const needed = elementsIn(`(${info.shape.join(',')})`, size);
      const oracle =
        numeric === 'spks.npy' ? undefined
        : !numericDescr ? reject(`dtype ${descr} is not numeric`)
        : needed !== null && needed > dataBytes ? reject(`dtype ${descr} needs ${needed} bytes, the file holds ${dataBytes}`)
        : undefined;
      return { description: `${numeric}: header descr set to '${descr}'`, ...(oracle ? { oracle } : {}) };
    }
    case 'fortran': {
      const value = pickOne(random, [info.fortran ? 'False' : 'True', 'maybe', '1']);
      folder.write(numeric, withDict(read, npyHeader(read).dict.replace(/'fortran_order':\s*\w+/, `'fortran_order': ${value}`)));
      const oracle = value === 'True' || value === 'False' || numeric === 'spks.npy' ? undefined : reject(`fortran_order ${value} is not a bool`);
      return { description: `${numeric}: header fortran_order set to ${value}`, ...(oracle ? { oracle } : {}) };
    }
    case 'iscell-value': {
      const bytes = Buffer.from(folder.read('iscell.npy'));
      const iscell = npyInfo(bytes);
      const rows = iscell.shape[0] ?? 0;
      const row = between(random, 0, rows);
      // Column 0 (the 0/1 classification) of row `row`, in the file's element order.
      const index = iscell.fortran || iscell.shape.length === 1 ? row : row * (iscell.shape[1] ?? 1);
      const value = pickOne(random, [Number.NaN, 2, -1, 0.5, Number.POSITIVE_INFINITY, 1e308]);
      const at = npyHeader(bytes).dataOffset + index * iscell.itemSize;
      if (iscell.itemSize === 8) bytes.writeDoubleLE(value, at);
      else bytes.writeFloatLE(value, at);
      folder.write('iscell.npy', bytes);
      return {
        description: `iscell.npy: row ${row} column 0 (is it a cell: 0 or 1) set to ${value}`,
        oracle: { flag: { why: `iscell holds ${value}, which is neither 0 nor 1`, warning: 'iscell' } },
      };
    }
    case 'f-value': {
      const bytes = Buffer.from(folder.read('F.npy'));
      const count = between(random, 1, 20);
      const value = pickOne(random, [Number.NaN, Number.POSITIVE_INFINITY, -3.4e38, 1e30]);
      const { dataOffset } = npyHeader(bytes);
      const elements = (bytes.length - dataOffset) / 4;
      for (let k = 0; k < count; k++) bytes.writeFloatLE(value, dataOffset + 4 * between(random, 0, elements));
      folder.write('F.npy', bytes);
      return { description: `F.npy: ${count} elements set to ${value}` };
    }
    case 'remove': {
      const name = pickOne(random, ['F.npy', 'Fneu.npy', 'iscell.npy', 'ops.npy', 'stat.npy'] as const);
      folder.remove(name);
      return { description: `${name} removed`, ...(name === 'F.npy' ? { oracle: reject('a plane folder without F.npy') } : {}) };
    }
    case 'folder': {
      const name = pickOne(random, ['F.npy', 'Fneu.npy', 'iscell.npy'] as const);
      folder.remove(name);
      folder.makeFolder(name);
      return { description: `${name} replaced by a folder`, ...(name === 'iscell.npy' ? {} : { oracle: reject(`${name} is a folder`) }) };
    }
    case 'ops-fs': {
      const bytes = folder.read('ops.npy');
      const key = Buffer.from('X\x02\x00\x00\x00fs', 'latin1');
      const at = bytes.indexOf(key);
      if (at < 0) return { description: 'ops.npy: no "fs" key found; unchanged' };
      let p = at + key.length;
      if (bytes[p] === 0x71) p += 2; // BINPUT n (memo), then the value
      else if (bytes[p] === 0x72) p += 5; // LONG_BINPUT
      const valueLength = bytes[p] === 0x4b ? 2 : bytes[p] === 0x4d ? 3 : bytes[p] === 0x4a ? 5 : bytes[p] === 0x47 ? 9 : 0;
      if (!valueLength) return { description: 'ops.npy: "fs" value is not a number opcode; unchanged' };
      const [name, replacement] = pickOne(random, [
        ['NaN', Buffer.concat([Buffer.from('G'), doubleBE(Number.NaN)])],
        ['inf', Buffer.concat([Buffer.from('G'), doubleBE(Number.POSITIVE_INFINITY)])],
        ['0', Buffer.from([0x4b, 0])],
        ['-1', Buffer.concat([Buffer.from('G'), doubleBE(-1)])],
        ['1e308', Buffer.concat([Buffer.from('G'), doubleBE(1e308)])],
        ['1e-300', Buffer.concat([Buffer.from('G'), doubleBE(1e-300)])],
        ['"abc"', Buffer.from('X\x03\x00\x00\x00abc', 'latin1')],
        ['None', Buffer.from('N', 'latin1')],
      ] as const);
      folder.write('ops.npy', Buffer.concat([bytes.subarray(0, p), replacement, bytes.subarray(p + valueLength)]));
      return { description: `ops.npy: "fs" (frame rate) set to ${name}` };
    }
    case 'blind': {
      const name = pickOne(random, ['F.npy', 'Fneu.npy', 'iscell.npy', 'ops.npy', 'stat.npy', 'F.npy'] as const);
      const bytes = folder.read(name);
      const { dataOffset } = npyHeader(bytes);
      // Cutting F, Fneu or iscell leaves fewer elements than the header's shape: numpy refuses.
      const truncation = (at: number): Oracle | undefined =>
        name === 'ops.npy' || name === 'stat.npy' ? undefined : reject(`${name} cut at byte ${at}: fewer elements than its shape`);
      const { bytes: mutated, mutation } = blindMutation(bytes, random, name, [
        { name: 'header', lo: 0, hi: dataOffset },
        { name: 'elements', lo: dataOffset, hi: bytes.length },
      ], truncation);
      folder.write(name, mutated);
      return mutation;
    }
  }
}

function doubleBE(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeDoubleBE(value, 0);
  return out;
}
