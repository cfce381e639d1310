/**
 * `np.save(file, np.array(trains, dtype=object))` for a 1-D object array of float64 vectors: a
 * protocol-3 pickle of `numpy.core.multiarray._reconstruct` calls inside a version-1 .npy, the
 * bytes numpy writes (and main/io/calcium/pickle.ts reads). Only what the retina-folder layout
 * needs; it belongs beside the reader if another writer needs it.
 */
const MARK = 0x28;
const TUPLE = 0x74;
const TUPLE1 = 0x85;
const TUPLE3 = 0x87;
const REDUCE = 0x52;
const BUILD = 0x62;
const NONE = 0x4e;
const NEWFALSE = 0x89;
const EMPTY_LIST = 0x5d;
const APPENDS = 0x65;
const SHORT_BINBYTES = 0x43;
const BINBYTES = 0x42;
const STOP = 0x2e;

class Bytes {
  private chunks: Uint8Array[] = [];
  private size = 0;
  push(...bytes: number[]): this {
    return this.raw(Uint8Array.from(bytes));
  }
  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }
  ascii(text: string): this {
    return this.raw(new TextEncoder().encode(text));
  }
  int32(value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    return this.raw(b);
  }
  int(value: number): this {
    return value >= 0 && value < 256 ? this.push(0x4b, value) : this.push(0x4a).int32(value);
  }
  unicode(text: string): this {
    const b = new TextEncoder().encode(text);
    return this.push(0x58).int32(b.length).raw(b);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function dtype(out: Bytes, code: 'f8' | 'O8'): void {
  const order = code === 'O8' ? '|' : '<';
  out.ascii('cnumpy\ndtype\n').unicode(code).int(0).int(1).push(TUPLE3, REDUCE);
  out.push(MARK).int(3).unicode(order).push(NONE, NONE, NONE).int(-1).int(-1).int(code === 'O8' ? 63 : 0).push(TUPLE, BUILD);
}

function ndarrayHead(out: Bytes, length: number, code: 'f8' | 'O8'): void {
  out.ascii('cnumpy.core.multiarray\n_reconstruct\n').ascii('cnumpy\nndarray\n').int(0).push(TUPLE1, SHORT_BINBYTES, 1, 0x62, TUPLE3, REDUCE);
  out.push(MARK).int(1).push(MARK).int(length).push(TUPLE);
  dtype(out, code);
  out.push(NEWFALSE);
}

export function encodeObjectNpy(trains: readonly Float64Array[]): Uint8Array {
  const pickle = new Bytes().push(0x80, 0x03);
  ndarrayHead(pickle, trains.length, 'O8');
  pickle.push(EMPTY_LIST, MARK);
  for (const train of trains) {
    ndarrayHead(pickle, train.length, 'f8');
    const bytes = new Uint8Array(train.buffer, train.byteOffset, train.byteLength);
    pickle.push(BINBYTES).int32(bytes.length).raw(bytes.slice()).push(TUPLE, BUILD);
  }
  pickle.push(APPENDS, TUPLE, BUILD, STOP);
  let header = `{'descr': '|O', 'fortran_order': False, 'shape': (${trains.length},), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = new Uint8Array(10);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(head.buffer).setUint16(8, header.length, true);
  return new Bytes().raw(head).ascii(header).raw(pickle.concat()).concat();
}
