/**
 * The GIfTI reader on files written here: every encoding (ASCII, Base64Binary, GZipBase64Binary),
 * both byte orders, both indexing orders, each datatype, label tables, coordinate systems,
 * metadata, gzipped files; and each way a file can be broken, which must give one FormatError
 * naming the file and the field.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError, FormatError } from '../../main/errors.js';
import { inflateGzip } from '../../main/io/gifti/file-bytes.js';
import { giftiKind, giftiSurface, looksLikeGifti, readGifti, type GiftiFile } from '../../main/io/gifti/index.js';
import { parseXml } from '../../main/io/gifti/xml.js';
import { tempDir } from '../helpers/tmp.js';
import { asyncFormatErrorOf } from '../helpers/format-error.js';

const tmp = tempDir('cajal-gifti-');
afterAll(() => tmp.cleanup());

interface ArraySpec {
  intent?: string;
  datatype?: string;
  dims: number[];
  encoding?: string;
  endian?: string;
  order?: string;
  /** The <Data> text as written. */
  data: string;
  metadata?: Record<string, string>;
  matrix?: number[];
  extra?: string;
}

function metadataXml(metadata: Record<string, string> = {}): string {
  const items = Object.entries(metadata).map(([k, v]) => `<MD><Name><![CDATA[${k}]]></Name><Value><![CDATA[${v}]]></Value></MD>`);
  return `<MetaData>${items.join('')}</MetaData>`;
}

function arrayXml(a: ArraySpec): string {
  const dims = a.dims.map((d, i) => `Dim${i}="${d}"`).join(' ');
  const matrix = a.matrix
    ? `<CoordinateSystemTransformMatrix><DataSpace><![CDATA[NIFTI_XFORM_UNKNOWN]]></DataSpace><TransformedSpace><![CDATA[NIFTI_XFORM_TALAIRACH]]></TransformedSpace><MatrixData>${a.matrix.join(' ')}</MatrixData></CoordinateSystemTransformMatrix>`
    : '';
  return `<DataArray Intent="${a.intent ?? 'NIFTI_INTENT_SHAPE'}" DataType="${a.datatype ?? 'NIFTI_TYPE_FLOAT32'}" ArrayIndexingOrder="${a.order ?? 'RowMajorOrder'}" Dimensionality="${a.dims.length}" ${dims} Encoding="${a.encoding ?? 'ASCII'}" Endian="${a.endian ?? 'LittleEndian'}" ExternalFileName="" ExternalFileOffset=""${a.extra ?? ''}>
  ${metadataXml(a.metadata)}${matrix}
  <Data>${a.data}</Data>
</DataArray>`;
}

function giftiXml(arrays: ArraySpec[], options: { labels?: string; metadata?: Record<string, string>; count?: number } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE GIFTI SYSTEM "http://gifti.projects.nitrc.org/gifti.dtd">
<GIFTI Version="1.0" NumberOfDataArrays="${options.count ?? arrays.length}">
${metadataXml(options.metadata)}
<LabelTable>${options.labels ?? ''}</LabelTable>
${arrays.map(arrayXml).join('\n')}
</GIFTI>
`;
}

let counter = 0;
function write(content: string | Uint8Array, name = `f${counter++}.gii`): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, content);
  return path;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const f32le = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);
const i32le = (values: number[]): Uint8Array => new Uint8Array(new Int32Array(values).buffer);
/** Big-endian bytes of 4-byte values. */
const swap4 = (bytes: Uint8Array): Uint8Array => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < out.length; i += 4) out.subarray(i, i + 4).reverse();
  return out;
};


const TETRA_VERTICES = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
const TETRA_FACES = [0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3];

function surfaceXml(faces = TETRA_FACES): string {
  return giftiXml([
    { intent: 'NIFTI_INTENT_POINTSET', dims: [4, 3], encoding: 'GZipBase64Binary', data: b64(deflateSync(f32le(TETRA_VERTICES))), matrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] },
    { intent: 'NIFTI_INTENT_TRIANGLE', datatype: 'NIFTI_TYPE_INT32', dims: [faces.length / 3, 3], encoding: 'Base64Binary', data: b64(i32le(faces)) },
  ]);
}

describe('readGifti: encodings, orders and datatypes', () => {
  it('reads ASCII float32, int32 and uint8 arrays', async () => {
    const g = await readGifti(
      write(
        giftiXml([
          { dims: [4], data: '\n 1.5 -2 3e2\t NaN \n' },
          { datatype: 'NIFTI_TYPE_INT32', intent: 'NIFTI_INTENT_LABEL', dims: [3], data: '-7 0 2147483647' },
          { datatype: 'NIFTI_TYPE_UINT8', dims: [2], data: '0 255' },
        ]),
      ),
    );
    expect(g.arrays.map((a) => a.data.constructor.name)).toEqual(['Float32Array', 'Int32Array', 'Uint8Array']);
    expect(Array.from(g.arrays[0]!.data)).toEqual([1.5, -2, 300, NaN]);
    expect(Array.from(g.arrays[1]!.data)).toEqual([-7, 0, 2147483647]);
    expect(Array.from(g.arrays[2]!.data)).toEqual([0, 255]);
  });

  it('reads Base64Binary in both byte orders and GZipBase64Binary', async () => {
    const values = [1.25, -3.5, 1e-3, 12345.678];
    const g = await readGifti(
      write(
        giftiXml([
          { dims: [4], encoding: 'Base64Binary', data: b64(f32le(values)) },
          { dims: [4], encoding: 'Base64Binary', endian: 'BigEndian', data: b64(swap4(f32le(values))) },
          { dims: [4], encoding: 'GZipBase64Binary', endian: 'BigEndian', data: b64(deflateSync(swap4(f32le(values)))) },
          { dims: [4], datatype: 'NIFTI_TYPE_INT32', encoding: 'Base64Binary', endian: 'BigEndian', data: b64(swap4(i32le([1, -2, 65536, -65536]))) },
        ]),
      ),
    );
    const expected = Array.from(new Float32Array(values));
    expect(Array.from(g.arrays[0]!.data)).toEqual(expected);
    expect(Array.from(g.arrays[1]!.data)).toEqual(expected);
    expect(Array.from(g.arrays[2]!.data)).toEqual(expected);
    expect(Array.from(g.arrays[3]!.data)).toEqual([1, -2, 65536, -65536]);
  });

  it('base64 split over lines (as some writers wrap it) is read', async () => {
    const text = b64(f32le([1, 2, 3, 4, 5, 6])).replace(/(.{8})/g, '$1\n   ');
    const g = await readGifti(write(giftiXml([{ dims: [6], encoding: 'Base64Binary', data: text }])));
    expect(Array.from(g.arrays[0]!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives column-major arrays in row-major order (as nibabel)', async () => {
    // The 2×3 matrix [[1,2,3],[4,5,6]] stored column by column: 1 4 2 5 3 6.
    const g = await readGifti(
      write(
        giftiXml([
          { dims: [2, 3], order: 'ColumnMajorOrder', data: '1 4 2 5 3 6' },
          { dims: [2, 3], order: 'ColumnMajorOrder', encoding: 'Base64Binary', datatype: 'NIFTI_TYPE_INT32', data: b64(i32le([1, 4, 2, 5, 3, 6])) },
          { dims: [2, 3, 2], order: 'ColumnMajorOrder', datatype: 'NIFTI_TYPE_UINT8', data: '0 6 2 8 4 10 1 7 3 9 5 11' },
        ]),
      ),
    );
    expect(Array.from(g.arrays[0]!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(g.arrays[1]!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    // 3-D: element (i, j, k) = 6i + 2j + k, stored with i fastest.
    expect(Array.from(g.arrays[2]!.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads metadata (CDATA and entities), the label table and the coordinate system', async () => {
    const labels = `<Label Key="0" Red="0" Green="0" Blue="0" Alpha="0"><![CDATA[???]]></Label>
      <Label Key="3" Red="1" Green="0.5" Blue="0.25" Alpha="1">Visual &amp; more</Label>
      <Label Index="4">  old-style  </Label>`;
    const g = await readGifti(
      write(
        giftiXml([{ dims: [2], data: '1 2', metadata: { Name: 'lh.sulc', 'A<B': 'x' }, matrix: [2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1] }], {
          labels,
          metadata: { UserName: 'me', Date: 'today' },
        }),
      ),
    );
    expect(g.metadata).toEqual({ UserName: 'me', Date: 'today' });
    expect(g.arrays[0]!.metadata).toEqual({ Name: 'lh.sulc', 'A<B': 'x' });
    expect(g.arrays[0]!.transform).toEqual([2, 0, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1]);
    expect(g.arrays[0]!.transformSpaces).toEqual({ dataSpace: 'NIFTI_XFORM_UNKNOWN', transformedSpace: 'NIFTI_XFORM_TALAIRACH' });
    expect(g.labelTable).toEqual([
      { key: 0, name: '???', rgba: [0, 0, 0, 0] },
      { key: 3, name: 'Visual & more', rgba: [1, 0.5, 0.25, 1] },
      { key: 4, name: 'old-style', rgba: [0, 0, 0, 1] },
    ]);
    expect(giftiKind(g)).toBe('surface-values');
  });

  it('reads a gzipped file (.gii.gz) by content, and sniffs both', async () => {
    const xml = giftiXml([{ dims: [3], data: '1 2 3' }]);
    const plain = write(xml);
    const gz = write(gzipSync(xml), 'values.gii.gz');
    expect(Array.from((await readGifti(gz)).arrays[0]!.data)).toEqual([1, 2, 3]);
    expect(await looksLikeGifti(plain)).toBe(true);
    expect(await looksLikeGifti(gz)).toBe(true);
    expect(await looksLikeGifti(write('<?xml version="1.0"?><atlas></atlas>'))).toBe(false);
    expect(await looksLikeGifti(write(gzipSync('not xml at all')))).toBe(false);
    expect(await looksLikeGifti(join(tmp.dir, 'missing.gii'))).toBe(false);
  });

  it('a surface: mesh with checked faces; kinds', async () => {
    const g = await readGifti(write(surfaceXml()));
    expect(giftiKind(g)).toBe('surface');
    const mesh = giftiSurface(g);
    expect(Array.from(mesh.vertices)).toEqual(TETRA_VERTICES);
    expect(mesh.faces).toBeInstanceOf(Uint32Array);
    expect(Array.from(mesh.faces)).toEqual(TETRA_FACES);
    const labels: GiftiFile = { file: 'x.gii', metadata: {}, labelTable: [{ key: 1, name: 'a', rgba: [1, 0, 0, 1] }], arrays: [{ ...g.arrays[1]!, intent: 'NIFTI_INTENT_NONE' }] };
    expect(giftiKind(labels)).toBe('surface-labels');
  });
});

describe('readGifti: broken files give one FormatError naming the file and the field', () => {
  it('a truncated .gii.gz', async () => {
    const gz = gzipSync(surfaceXml());
    const path = write(gz.subarray(0, gz.length - 40), 'cut.gii.gz');
    const error = await asyncFormatErrorOf(readGifti(path));
    expect(error.file).toBe(path);
    expect(error.field).toBe('gzip');
    expect(error.message).toMatch(/truncated/);
  });

  it('a gzip stream inflating past the memory limit stops there (a gzip bomb)', async () => {
    const bomb = gzipSync(new Uint8Array(1 << 20));
    const error = await asyncFormatErrorOf(inflateGzip('bomb.gii.gz', bomb, 4096));
    expect(error.message).toBe('bomb.gii.gz: field "gzip": the gzip stream inflates to more than 4.0 KiB (the memory Cajal may use now)');
  });

  it('a DataArray whose byte count disagrees with Dim0×Dim1', async () => {
    const path = write(giftiXml([{ dims: [4, 3], encoding: 'Base64Binary', data: b64(f32le([1, 2, 3, 4, 5, 6])) }]));
    const error = await asyncFormatErrorOf(readGifti(path));
    expect(error.file).toBe(path);
    expect(error.field).toBe('DataArray[0].Data');
    expect(error.message).toMatch(/holds 24 bytes, but Dim0×Dim1 = 4×3 NIFTI_TYPE_FLOAT32 values take 48/);
  });

  it('compressed data inflating to more bytes than the dims, or cut short', async () => {
    const more = write(giftiXml([{ dims: [2], encoding: 'GZipBase64Binary', data: b64(deflateSync(f32le([1, 2, 3]))) }]));
    expect((await asyncFormatErrorOf(readGifti(more))).message).toMatch(/inflates to more than the 8 bytes/);
    const deflated = deflateSync(f32le(Array.from({ length: 200 }, (_, i) => Math.sin(i))));
    const cut = write(giftiXml([{ dims: [200], encoding: 'GZipBase64Binary', data: b64(deflated.subarray(0, deflated.length - 10)) }]));
    const error = await asyncFormatErrorOf(readGifti(cut));
    expect(error.field).toBe('DataArray[0].Data');
    expect(error.message).toMatch(/compressed data is truncated/);
  });

  it('ASCII data with too few values or a word', async () => {
    const few = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [2, 3], data: '1 2 3 4 5' }]))));
    expect(few.message).toMatch(/ASCII data holds 5 values, but Dim0×Dim1 = 2×3 needs 6/);
    const word = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [2], data: '1 abc' }]))));
    expect(word.message).toMatch(/value 1 "abc" is not a float32/);
    const big = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], datatype: 'NIFTI_TYPE_UINT8', data: '256' }]))));
    expect(big.message).toMatch(/value 0 "256" is not a uint8/);
  });

  it('an unknown encoding, ExternalFileBinary, an unknown byte order or indexing order', async () => {
    const unknown = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], encoding: 'Base85', data: '1' }]))));
    expect(unknown.field).toBe('DataArray[0].Encoding');
    expect(unknown.message).toMatch(/Encoding "Base85" is not a GIfTI encoding/);
    const external = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], encoding: 'ExternalFileBinary', data: '' }]))));
    expect(external.field).toBe('DataArray[0].Encoding');
    expect(external.message).toMatch(/external file \(Encoding ExternalFileBinary\), which Cajal does not read/);
    const endian = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], encoding: 'Base64Binary', endian: 'Middle', data: b64(f32le([1])) }]))));
    expect(endian.field).toBe('DataArray[0].Endian');
    const order = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], order: 'Diagonal', data: '1' }]))));
    expect(order.field).toBe('DataArray[0].ArrayIndexingOrder');
  });

  it('a datatype Cajal does not read, bad dims, characters that are not base64', async () => {
    const float64 = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], datatype: 'NIFTI_TYPE_FLOAT64', data: '1' }]))));
    expect(float64.field).toBe('DataArray[0].DataType');
    expect(float64.message).toMatch(/NIFTI_TYPE_FLOAT64 is not one Cajal reads/);
    const zero = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [0], data: '' }]))));
    expect(zero.field).toBe('DataArray[0].Dim0');
    const missing = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [2], data: '1 2', extra: ' Dimensionality="2"' }]))));
    expect(missing.message).toMatch(/attribute Dimensionality repeated/);
    const text = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], encoding: 'Base64Binary', data: 'AAA*AA==' }]))));
    expect(text.message).toMatch(/not base64/);
  });

  it('NumberOfDataArrays that disagrees, a root that is not GIFTI, a DataArray without Data', async () => {
    const count = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], data: '1' }], { count: 2 }))));
    expect(count.field).toBe('GIFTI.NumberOfDataArrays');
    const root = await asyncFormatErrorOf(readGifti(write('<?xml version="1.0"?><atlas/>')));
    expect(root.message).toMatch(/root element is <atlas>, not <GIFTI>/);
    const noData = await asyncFormatErrorOf(readGifti(write(giftiXml([{ dims: [1], data: '1' }]).replace('<Data>1</Data>', ''))));
    expect(noData.field).toBe('DataArray[0].Data');
  });

  it('XML cut short, mismatched tags, a DOCTYPE declaring entities, an unknown entity', async () => {
    const xml = surfaceXml();
    const cut = await asyncFormatErrorOf(readGifti(write(xml.slice(0, Math.floor(xml.length / 2)))));
    expect(cut.message).toMatch(/XML line \d+: .*(never closed|cut off|truncated)/);
    const mismatched = await asyncFormatErrorOf(readGifti(write(xml.replace('</LabelTable>', '</Labeltable>'))));
    expect(mismatched.message).toMatch(/<LabelTable> \(line \d+\) is closed by <\/Labeltable>/);
    const bomb = '<?xml version="1.0"?><!DOCTYPE GIFTI [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><GIFTI>&b;</GIFTI>';
    expect((await asyncFormatErrorOf(readGifti(write(bomb)))).message).toMatch(/internal subset/);
    const entity = await asyncFormatErrorOf(readGifti(write(xml.replace('<LabelTable>', '<LabelTable>&nbsp;'))));
    expect(entity.message).toMatch(/entity &nbsp; is not one of XML's predefined entities/);
  });

  it('a face naming a vertex the surface does not have', async () => {
    const path = write(surfaceXml([0, 1, 2, 0, 1, 4]));
    const g = await readGifti(path);
    expect(() => giftiSurface(g)).toThrow(FormatError);
    expect(() => giftiSurface(g)).toThrow(`${path}: field "DataArray[1].Data": face 1 names vertex 4, but the surface has 4 vertices (0…3)`);
    const negative = await readGifti(write(surfaceXml([0, 1, -1])));
    expect(() => giftiSurface(negative)).toThrow(/face 0 names vertex -1/);
  });

  it('a surface with vertices that are not n×3', async () => {
    const g = await readGifti(write(giftiXml([
      { intent: 'NIFTI_INTENT_POINTSET', dims: [6], data: '0 0 0 1 1 1' },
      { intent: 'NIFTI_INTENT_TRIANGLE', datatype: 'NIFTI_TYPE_INT32', dims: [1, 3], data: '0 1 0' },
    ])));
    expect(() => giftiSurface(g)).toThrow(/the vertices \(DataArray 0\) is 6 NIFTI_TYPE_FLOAT32, not n×3/);
  });

  it('a missing file, a folder: FileAccessError', async () => {
    await expect(readGifti(join(tmp.dir, 'nothing.gii'))).rejects.toBeInstanceOf(FileAccessError);
    await expect(readGifti(tmp.dir)).rejects.toBeInstanceOf(FileAccessError);
  });
});

describe('the XML parser', () => {
  it('decodes entities and character references, keeps CDATA verbatim, skips comments and PIs', () => {
    const root = parseXml('t.xml', '<?xml version="1.0"?>\n<!-- c --><a x="1 &lt; 2" y=\'&#65;&#x42;\'><?pi x?><b>&amp;<![CDATA[<&>]]></b><!-- d --><c/></a>\n');
    expect(root.attributes).toEqual({ x: '1 < 2', y: 'AB' });
    expect(root.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(root.children[0]!.text).toBe('&<&>');
  });

  it('refuses text outside the root, two roots, unclosed comments and bare "<"', () => {
    expect(() => parseXml('t.xml', '<a/>junk')).toThrow(/text after the root element/);
    expect(() => parseXml('t.xml', '<a/><b/>')).toThrow(/a second root element <b>/);
    expect(() => parseXml('t.xml', '<a><!-- open</a>')).toThrow(/comment is not closed/);
    expect(() => parseXml('t.xml', '<a>< b</a>')).toThrow(/opens no tag/);
    expect(() => parseXml('t.xml', '')).toThrow(/no root element/);
    expect(() => parseXml('t.xml', `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toThrow(/nested more than 64 deep/);
  });
});
