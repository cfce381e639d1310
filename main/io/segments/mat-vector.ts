/**
 * One signal from a MATLAB v5 .mat file: the readers of labelled segments take a file's single
 * numeric vector (N×1 or 1×N). Read synchronously with the project's parser (main/io/matlab), as
 * segment files are small (a few kB) and a collection is read in one pass.
 */
import { readFileSync } from 'node:fs';
import { FormatError, UserError, fileAccessError } from '../../errors.js';
import { parseMat, type MatNumericClass, type MatValue } from '../matlab/index.js';
import { assertReadableSource } from '../source-file.js';

export interface MatVector {
  name: string;
  class: MatNumericClass;
  samples: Float32Array;
}

export function readMatVariables(file: string): Map<string, MatValue> {
  let bytes: Uint8Array;
  try {
    assertReadableSource(file);
    const buffer = readFileSync(file);
    // A plain Uint8Array view, not the Buffer: parseMat slices typed data with slice(), which copies
    // on a Uint8Array but returns a view into the Buffer's larger pool on a Buffer.
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw fileAccessError(file, error);
  }
  return parseMat(bytes, file);
}

/** What a variable is, in words, for messages ("int16 1024×1", "char 1×5", "struct 1×1"). */
export function describeMatValue(value: MatValue): string {
  const kind = value.type === 'numeric' ? value.class : value.type;
  return `${kind} ${value.dims.join('×')}`;
}

/** The variable as a vector of samples, or why it is not one. */
export function matVectorOf(name: string, value: MatValue, file: string): MatVector {
  if (value.type !== 'numeric') throw new FormatError(file, `variable "${name}" is ${describeMatValue(value)}, not a numeric vector`);
  if (value.imaginary) throw new FormatError(file, `variable "${name}" is complex; a segment is a real signal`);
  const long = value.dims.filter((d) => d > 1);
  if (value.data.length === 0 || long.length > 1) {
    throw new FormatError(file, `variable "${name}" is ${describeMatValue(value)}: expected one signal, an N×1 or 1×N vector`);
  }
  const samples = Float32Array.from(value.data);
  const bad = samples.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new FormatError(file, `variable "${name}": sample ${bad + 1} is ${value.data[bad]}, not a finite number`);
  return { name, class: value.class, samples };
}

/** The first numeric variable that is a vector (labels.csv's rule); the file must have one. */
export function firstMatVector(file: string): MatVector {
  const variables = readMatVariables(file);
  for (const [name, value] of variables) {
    if (value.type === 'numeric' && value.dims.filter((d) => d > 1).length <= 1 && value.data.length > 0) return matVectorOf(name, value, file);
  }
  const found = [...variables].map(([name, value]) => `${name} (${describeMatValue(value)})`).join(', ');
  throw new FormatError(file, `no numeric vector variable (N×1 or 1×N) in the file${found ? `; found ${found}` : '; it holds no variable'}`);
}
