/**
 * Line-oriented text formats: SWC morphologies (7 columns per sample) and calcium CSV matrices
 * (cells × frames, with coordinate and assembly siblings). Edits are made on lines so they land in
 * fields, not only in whitespace.
 */
import { between, blindMutation, pickOne, weighted, type Mutation, type Oracle, type Random } from './bytes.js';

const reject = (why: string): Oracle => ({ reject: why });

/** Indices of SWC data lines (not blank, not a comment). */
function swcDataLines(lines: readonly string[]): number[] {
  return lines.flatMap((line, i) => (line.trim() === '' || line.trim().startsWith('#') ? [] : [i]));
}

const SWC_COLUMNS = ['id', 'type', 'x', 'y', 'z', 'radius', 'parent'] as const;

/** Odd values for an SWC cell, with whether a strict reader must refuse them in an integer / a real column. */
const SWC_VALUES: readonly (readonly [string, { int: boolean; real: boolean }])[] = [
  ['NaN', { int: true, real: true }],
  ['nan', { int: true, real: true }],
  ['inf', { int: true, real: true }],
  ['-inf', { int: true, real: true }],
  ['1e400', { int: true, real: true }],
  ['0x1A', { int: true, real: true }],
  ['abc', { int: true, real: true }],
  ['1.5', { int: true, real: false }],
  ['1e308', { int: true, real: false }],
  ['-1e308', { int: true, real: false }],
  ['1e-320', { int: true, real: false }],
  ['-0', { int: false, real: false }],
  ['+3', { int: false, real: false }],
  ['\u0663', { int: true, real: true }],
  ['1\u00a02', { int: true, real: true }],
];

export function mutateSwc(original: Buffer, random: Random, file: string): { bytes: Buffer; mutation: Mutation } {
  const textIn = original.toString('utf8');
  const lines = textIn.split('\n');
  const data = swcDataLines(lines);
  const cells = (i: number): string[] => lines[i]!.trim().split(/\s+/);
  const setCells = (i: number, values: string[]): void => {
    lines[i] = values.join(' ');
  };
  const out = (mutation: Mutation): { bytes: Buffer; mutation: Mutation } => ({ bytes: Buffer.from(lines.join('\n'), 'utf8'), mutation });
  const ids = data.map((i) => Number(cells(i)[0]));
  const maxId = Math.max(...ids);
  const op = weighted(random, [
    [3, 'cut-last'],
    [5, 'value'],
    [2, 'columns'],
    [3, 'parent'],
    [2, 'duplicate-id'],
    [1, 'duplicate-line'],
    [1, 'delete-line'],
    [1, 'swap'],
    [1, 'crlf'],
    [1, 'no-samples'],
    [1, 'huge-coordinates'],
    [3, 'blind'],
  ] as const);
  const i = pickOne(random, data);
  const lineNo = i + 1;
  switch (op) {
    case 'cut-last': {
      const last = data[data.length - 1]!;
      const lineStart = lines.slice(0, last).reduce((n, line) => n + Buffer.byteLength(line, 'utf8') + 1, 0);
      const lineLength = Buffer.byteLength(lines[last]!.trimEnd(), 'utf8');
      const at = lineStart + between(random, 1, Math.max(2, lineLength));
      return {
        bytes: original.subarray(0, at),
        mutation: {
          description: `${file}: cut at byte ${at}, inside its last sample line ${last + 1}`,
          oracle: { flag: { why: 'the last sample line is cut short', warning: 'truncat|cut|incomplete|newline|line end|end of (the )?file|last line' } },
        },
      };
    }
    case 'value': {
      const column = between(random, 0, 7);
      const [value, refuse] = pickOne(random, SWC_VALUES);
      const name = SWC_COLUMNS[column]!;
      const row = cells(i);
      row[column] = value;
      setCells(i, row);
      const integerColumn = name === 'id' || name === 'type' || name === 'parent';
      const mustRefuse = (integerColumn ? refuse.int : refuse.real) || ((name === 'id' || name === 'parent') && value === '-0') || (name === 'parent' && value === '+3' && Number(row[0]) === 3);
      return out({ description: `${file}: line ${lineNo}, ${name} set to ${JSON.stringify(value)}`, ...(mustRefuse ? { oracle: reject(`${name} ${JSON.stringify(value)}`) } : {}) });
    }
    case 'columns': {
      const row = cells(i);
      if (random() < 0.5) row.splice(between(random, 0, 7), 1);
      else row.splice(between(random, 0, 8), 0, '0');
      setCells(i, row);
      return out({ description: `${file}: line ${lineNo} now has ${row.length} columns`, oracle: reject('an SWC line has 7 columns') });
    }
    case 'parent': {
      const row = cells(i);
      const id = Number(row[0]);
      const children = data.filter((j) => Number(cells(j)[6]) === id).map((j) => cells(j)[0]!);
      const [kind, value] = pickOne(random, [
        ['nonexistent', String(maxId + 1000)],
        ['self', row[0]!],
        ['zero', '0'],
        ['-2', '-2'],
        ...(children.length ? [['a child (cycle)', children[0]!] as const] : []),
      ] as const);
      row[6] = value;
      setCells(i, row);
      return out({ description: `${file}: line ${lineNo}, parent set to ${value} (${kind})`, oracle: reject(`parent ${kind}`) });
    }
    case 'duplicate-id': {
      const j = pickOne(random, data.filter((k) => k !== i));
      if (j === undefined) return out({ description: `${file}: unchanged (one sample)` });
      const row = cells(j);
      row[0] = cells(i)[0]!;
      setCells(j, row);
      return out({ description: `${file}: line ${j + 1} given the id of line ${lineNo} (${row[0]})`, oracle: reject('duplicate id') });
    }
    case 'duplicate-line':
      lines.splice(i + 1, 0, lines[i]!);
      return out({ description: `${file}: line ${lineNo} duplicated`, oracle: reject('duplicate id') });
    case 'delete-line':
      lines.splice(i, 1);
      return out({ description: `${file}: line ${lineNo} deleted` });
    case 'swap': {
      const j = pickOne(random, data);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return out({ description: `${file}: lines ${lineNo} and ${j + 1} swapped` });
    }
    case 'crlf':
      return { bytes: Buffer.from(lines.map((line) => line.replace(/ +/g, '\t')).join('\r\n'), 'utf8'), mutation: { description: `${file}: CRLF line ends and tabs` } };
    case 'no-samples':
      return { bytes: Buffer.from(lines.filter((_, k) => !data.includes(k)).join('\n'), 'utf8'), mutation: { description: `${file}: every sample line removed`, oracle: reject('no samples') } };
    case 'huge-coordinates': {
      let n = 0;
      for (const k of data) {
        if (random() < 0.3) {
          const row = cells(k);
          row[2 + between(random, 0, 3)] = (n++ % 2 ? '-' : '') + '1e308';
          setCells(k, row);
        }
      }
      return out({ description: `${file}: ${n} coordinates set to ±1e308` });
    }
    case 'blind':
      return blindMutation(original, random, file, [{ name: 'file', lo: 0, hi: original.length }], (at) => cutInside(original, at, (line) => !/^\s*(#|$)/.test(line)));
  }
}

const CUT: Oracle = { flag: { why: 'the file is cut inside its last line (no line end)', warning: 'truncat|cut|incomplete|newline|line end|end of (the )?file|last line' } };

/** The oracle for a cut at `at`: flagged when it falls inside a line `isData` says holds values. */
function cutInside(bytes: Buffer, at: number, isData: (line: string) => boolean): Oracle | undefined {
  if (at === 0 || bytes[at - 1] === 0x0a || bytes[at] === 0x0a || bytes[at] === 0x0d) return undefined;
  const start = bytes.lastIndexOf(0x0a, at - 1) + 1;
  return isData(bytes.toString('utf8', start, at)) ? CUT : undefined;
}

/** Odd CSV cell values (with whether they are a number a numeric matrix reader must refuse). */
const CSV_VALUES: readonly (readonly [string, boolean])[] = [
  ['NaN', false],
  ['nan', false],
  ['inf', false],
  ['-Infinity', false],
  ['1e39', false],
  ['1e308', false],
  ['-1e308', false],
  ['abc', true],
  ['', true],
  ['0x10', true],
  ['"3"', false],
  ['1 2', true],
  ['\u00e9', true],
];

/** Rows × values of a comma-separated numeric matrix, edited in place. */
export function mutateCsvMatrix(original: Buffer, random: Random, file: string): { bytes: Buffer; mutation: Mutation } {
  const lines = original.toString('utf8').split('\n');
  const data = lines.flatMap((line, i) => (line.trim() === '' ? [] : [i]));
  const i = pickOne(random, data);
  const lineNo = i + 1;
  const width = lines[data[0]!]!.split(',').length;
  const out = (mutation: Mutation): { bytes: Buffer; mutation: Mutation } => ({ bytes: Buffer.from(lines.join('\n'), 'utf8'), mutation });
  const op = weighted(random, [
    [5, 'value'],
    [2, 'ragged'],
    [1, 'delete-line'],
    [1, 'duplicate-line'],
    [2, 'cut'],
    [1, 'header'],
    [1, 'delimiter'],
    [1, 'only-header'],
    [3, 'blind'],
  ] as const);
  switch (op) {
    case 'value': {
      const fields = lines[i]!.split(',');
      const column = between(random, 0, fields.length);
      const [value, refuse] = pickOne(random, CSV_VALUES);
      fields[column] = value;
      lines[i] = fields.join(',');
      // The first row may be read as a header (any non-number in it): text there is not an error.
      const oracle = refuse && i !== data[0] ? reject(`line ${lineNo} value ${JSON.stringify(value)} is not a number`) : undefined;
      return out({ description: `${file}: line ${lineNo}, value ${column + 1} set to ${JSON.stringify(value)}`, ...(oracle ? { oracle } : {}) });
    }
    case 'ragged': {
      const fields = lines[i]!.split(',');
      if (random() < 0.5) fields.splice(between(random, 0, fields.length), 1);
      else fields.splice(between(random, 0, fields.length + 1), 0, '0.5');
      lines[i] = fields.join(',');
      return out({ description: `${file}: line ${lineNo} now has ${fields.length} values (others ${width})`, ...(data.length > 1 ? { oracle: reject('a ragged row') } : {}) });
    }
    case 'delete-line':
      lines.splice(i, 1);
      return out({ description: `${file}: line ${lineNo} deleted` });
    case 'duplicate-line':
      lines.splice(i, 0, lines[i]!);
      return out({ description: `${file}: line ${lineNo} duplicated` });
    case 'cut': {
      const start = lines.slice(0, i).reduce((n, line) => n + Buffer.byteLength(line, 'utf8') + 1, 0);
      const at = start + between(random, 1, Math.max(2, Buffer.byteLength(lines[i]!, 'utf8')));
      const kept = original.subarray(0, at).toString('utf8').split('\n').pop()!;
      const fields = kept.split(',');
      // A row cut inside: fewer values than the others (ragged); cut inside its last value it keeps
      // its width with that value shortened, which only the missing line end can give away.
      const oracle: Oracle =
        fields.length < width && i !== data[0]
          ? reject('the last row is cut short (a ragged row)')
          : { flag: { why: 'the file is cut inside its last row (no line end)', warning: 'truncat|cut|incomplete|newline|line end|end of (the )?file|last line' } };
      return { bytes: original.subarray(0, at), mutation: { description: `${file}: cut at byte ${at}, inside line ${lineNo}`, oracle } };
    }
    case 'header':
      lines.unshift(Array.from({ length: width }, (_, k) => `frame ${k}`).join(','));
      return out({ description: `${file}: a header row of frame names added` });
    case 'delimiter':
      lines[i] = lines[i]!.replaceAll(',', ';');
      return out({ description: `${file}: line ${lineNo} uses ";" instead of ","`, ...(data.length > 1 ? { oracle: reject('a row with another delimiter is ragged') } : {}) });
    case 'only-header':
      return {
        bytes: Buffer.from(`${Array.from({ length: width }, (_, k) => `f${k}`).join(',')}\n`, 'utf8'),
        mutation: { description: `${file}: replaced by a header row alone`, oracle: reject('no rows of values') },
      };
    case 'blind':
      return blindMutation(original, random, file, [{ name: 'file', lo: 0, hi: original.length }], (at) => cutInside(original, at, (line) => line.trim() !== ''));
  }
}

/** A sibling CSV (coordinates, assemblies, NeuroPAL labels): the reader skips a bad one with a warning. */
export function mutateSiblingCsv(original: Buffer, random: Random, file: string): { bytes: Buffer; mutation: Mutation } {
  const lines = original.toString('utf8').split('\n');
  const data = lines.flatMap((line, i) => (line.trim() === '' ? [] : [i]));
  const i = pickOne(random, data);
  const fields = lines[i]!.split(',');
  const op = weighted(random, [
    [3, 'value'],
    [1, 'ragged'],
    [1, 'delete'],
    [1, 'blind'],
  ] as const);
  if (op === 'blind') return blindMutation(original, random, file, [{ name: 'file', lo: 0, hi: original.length }]);
  if (op === 'delete') lines.splice(i, 1);
  else if (op === 'ragged') fields.push('7');
  else fields[between(random, 0, fields.length)] = pickOne(random, ['NaN', 'abc', '0', '-1', '9999', '1.5', '', '1e308']);
  if (op !== 'delete') lines[i] = fields.join(',');
  return { bytes: Buffer.from(lines.join('\n'), 'utf8'), mutation: { description: `${file}: line ${i + 1} ${op === 'delete' ? 'deleted' : `now "${lines[i]!.slice(0, 60)}"`}` } };
}
