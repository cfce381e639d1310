/**
 * Binary containers: HDF5 (Flavell calcium files, FISBe predictions) and TIFF stacks. HDF5 gets cuts,
 * flips in the superblock, in the metadata near the start and in the chunk data, and a few
 * superblock fields; TIFF gets IFD entry edits (sizes, strip offsets, sample format) and a looping
 * IFD chain. An HDF5 file records its end-of-file address, so any cut must be refused.
 */
import { between, blindMutation, pickOne, weighted, type Mutation, type Oracle, type Random } from './bytes.js';

const reject = (why: string): Oracle => ({ reject: why });

export function mutateHdf5(original: Buffer, random: Random, file: string): { bytes: Buffer; mutation: Mutation } {
  const cut = (): Oracle => reject('an HDF5 file cut short (its superblock records the end-of-file address)');
  const op = weighted(random, [
    [3, 'truncate'],
    [2, 'superblock'],
    [1, 'signature'],
    [1, 'eof-address'],
    [1, 'user-block'],
    [3, 'metadata'],
    [4, 'data'],
  ] as const);
  switch (op) {
    case 'truncate': {
      const at = pickOne(random, [between(random, 0, 96), between(random, 96, 65536), between(random, 0, original.length), original.length - between(random, 1, 4096)]);
      return { bytes: original.subarray(0, Math.max(0, at)), mutation: { description: `${file}: truncated at byte ${at} of ${original.length}`, oracle: cut() } };
    }
    case 'superblock':
      return blindMutation(original, random, file, [{ name: 'superblock', lo: 8, hi: 96 }], cut);
    case 'signature': {
      const bytes = Buffer.from(original);
      const at = between(random, 0, 8);
      bytes[at] = bytes[at]! ^ (1 << between(random, 0, 8));
      return { bytes, mutation: { description: `${file}: bit flip in the HDF5 signature (byte ${at})`, oracle: reject('no HDF5 signature') } };
    }
    case 'eof-address': {
      // Superblock v0/v1: end-of-file address at byte 40 (8 bytes, with 8-byte offsets).
      const bytes = Buffer.from(original);
      const bigger = random() < 0.5;
      const value = bigger ? BigInt(original.length) * 2n : BigInt(Math.floor(original.length / 2));
      if (bytes[8] === 0 || bytes[8] === 1) bytes.writeBigUInt64LE(value, 40);
      return {
        bytes,
        mutation: { description: `${file}: superblock end-of-file address set to ${value} (file has ${original.length} bytes)`, ...(bigger ? { oracle: cut() } : {}) },
      };
    }
    case 'user-block':
      return { bytes: Buffer.concat([Buffer.alloc(512), original]), mutation: { description: `${file}: 512 zero bytes put in front (a user block the superblock does not declare)` } };
    case 'metadata':
      return blindMutation(original, random, file, [{ name: 'metadata near the start', lo: 96, hi: Math.min(original.length, 65536) }], cut);
    case 'data':
      return blindMutation(original, random, file, [{ name: 'data', lo: Math.min(original.length, 65536), hi: original.length }], cut);
  }
}

interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** Byte offset of the entry's 4-byte value/offset field. */
  valueAt: number;
}

interface Ifd {
  offset: number;
  entries: IfdEntry[];
  /** Byte offset of the pointer to the next IFD. */
  nextAt: number;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

/** The IFD chain of a classic (not Big) TIFF, stopping at a loop or after 10 000 IFDs. */
export function tiffIfds(bytes: Buffer): { little: boolean; ifds: Ifd[]; dataEnd: number } {
  const little = bytes[0] === 0x49;
  const u16 = (at: number): number => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number): number => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  let offset = u32(4);
  let dataEnd = 8;
  while (offset > 0 && offset + 2 <= bytes.length && !seen.has(offset) && ifds.length < 10_000) {
    seen.add(offset);
    const count = u16(offset);
    const entries: IfdEntry[] = [];
    for (let k = 0; k < count; k++) {
      const at = offset + 2 + 12 * k;
      entries.push({ tag: u16(at), type: u16(at + 2), count: u32(at + 4), valueAt: at + 8 });
    }
    const nextAt = offset + 2 + 12 * count;
    ifds.push({ offset, entries, nextAt });
    dataEnd = Math.max(dataEnd, nextAt + 4);
    // Strips (or tiles) end where the last one ends.
    const values = (tag: number): number[] => {
      const entry = entries.find((e) => e.tag === tag);
      if (!entry) return [];
      const size = TYPE_SIZE[entry.type] ?? 4;
      const base = entry.count * size <= 4 ? entry.valueAt : u32(entry.valueAt);
      dataEnd = Math.max(dataEnd, entry.count * size <= 4 ? 0 : base + entry.count * size);
      return Array.from({ length: entry.count }, (_, i) => (size === 2 ? u16(base + 2 * i) : u32(base + 4 * i)));
    };
    const offsets = values(273);
    const counts = values(279);
    offsets.forEach((start, i) => (dataEnd = Math.max(dataEnd, start + (counts[i] ?? 0))));
    offset = u32(nextAt);
  }
  return { little, ifds, dataEnd };
}

const TAG_EDITS: readonly (readonly [string, number, readonly number[]])[] = [
  ['ImageWidth', 256, [0, 65535, 0x7fffffff, 1]],
  ['ImageLength', 257, [0, 65535, 0x7fffffff, 1]],
  ['BitsPerSample', 258, [1, 12, 64, 0]],
  ['Compression', 259, [5, 7, 999, 32773]],
  ['SamplesPerPixel', 277, [0, 3, 65535]],
  ['StripOffsets', 273, [0, 0x7ffffff0]],
  ['StripByteCounts', 279, [0, 0x7ffffff0]],
  ['RowsPerStrip', 278, [0, 1]],
  ['SampleFormat', 339, [2, 3, 9]],
  ['PlanarConfiguration', 284, [2, 7]],
];

export function mutateTiff(original: Buffer, random: Random, file: string): { bytes: Buffer; mutation: Mutation } {
  const { little, ifds, dataEnd } = tiffIfds(original);
  const cut = (at: number): Oracle | undefined => (at < dataEnd ? reject(`TIFF cut at byte ${at}, before the end of its strips and IFDs (${dataEnd})`) : undefined);
  const op = weighted(random, [
    [3, 'truncate'],
    [8, 'tag'],
    [1, 'loop'],
    [2, 'ifd-blind'],
    [2, 'data'],
  ] as const);
  const bytes = Buffer.from(original);
  const put32 = (at: number, value: number): void => void (little ? bytes.writeUInt32LE(value >>> 0, at) : bytes.writeUInt32BE(value >>> 0, at));
  const put16 = (at: number, value: number): void => void (little ? bytes.writeUInt16LE(value & 0xffff, at) : bytes.writeUInt16BE(value & 0xffff, at));
  switch (op) {
    case 'truncate': {
      const at = between(random, 0, original.length);
      const oracle = cut(at);
      return { bytes: original.subarray(0, at), mutation: { description: `${file}: truncated at byte ${at} of ${original.length}`, ...(oracle ? { oracle } : {}) } };
    }
    case 'tag': {
      const ifdIndex = random() < 0.5 ? 0 : between(random, 0, ifds.length);
      const ifd = ifds[ifdIndex]!;
      const [name, tag, values] = pickOne(random, TAG_EDITS);
      const entry = ifd.entries.find((e) => e.tag === tag);
      const value = pickOne(random, values);
      if (!entry) return { bytes, mutation: { description: `${file}: page ${ifdIndex + 1} has no ${name}; unchanged` } };
      // Inline values (one SHORT or LONG) are edited in place; arrays by their first element.
      const size = TYPE_SIZE[entry.type] ?? 4;
      const inline = entry.count * size <= 4;
      const at = inline ? entry.valueAt : little ? original.readUInt32LE(entry.valueAt) : original.readUInt32BE(entry.valueAt);
      if (at + size <= bytes.length) (size === 2 ? put16 : put32)(at, value);
      const before = inline ? (size === 2 ? (little ? original.readUInt16LE(at) : original.readUInt16BE(at)) : (little ? original.readUInt32LE(at) : original.readUInt32BE(at))) : undefined;
      const oracle =
        (tag === 256 || tag === 257) && value === 0 ? reject(`${name} 0`)
        : (tag === 256 || tag === 257) && before !== undefined && value > before ? reject(`${name} ${value} is larger than the page its strips hold (${before})`)
        : tag === 273 && value > original.length ? reject('a strip offset beyond the end of the file')
        : tag === 277 && value === 0 ? reject('SamplesPerPixel 0')
        : tag === 258 && value === 0 ? reject('BitsPerSample 0')
        : undefined;
      return { bytes, mutation: { description: `${file}: page ${ifdIndex + 1} ${name} set to ${value}`, ...(oracle ? { oracle } : {}) } };
    }
    case 'loop': {
      const ifd = ifds[between(random, 0, ifds.length)]!;
      put32(ifd.nextAt, ifds[0]!.offset);
      return { bytes, mutation: { description: `${file}: next-IFD pointer at byte ${ifd.nextAt} points back to the first IFD (a loop)`, oracle: reject('the IFD chain loops') } };
    }
    case 'ifd-blind': {
      const ifd = ifds[between(random, 0, ifds.length)]!;
      return blindMutation(original, random, file, [{ name: 'an IFD', lo: ifd.offset, hi: ifd.nextAt + 4 }], cut);
    }
    case 'data':
      return blindMutation(original, random, file, [{ name: 'file', lo: 0, hi: original.length }], cut);
  }
}
