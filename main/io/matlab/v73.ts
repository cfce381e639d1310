/**
 * MATLAB v7.3 MAT-files: HDF5 files behind a 512-byte user block that starts with the MAT header.
 * Routed to h5wasm (as every HDF5 reader in Cajal) for what ROI and connectivity files hold:
 * numeric, logical and char variables at the root. Each is a dataset with a `MATLAB_class`
 * attribute; HDF5 stores MATLAB's column-major array under the reversed shape, so the dataset in C
 * order *is* the column-major data, and the dims are the HDF5 shape reversed. An empty array is a
 * dataset of its dims with `MATLAB_empty` = 1.
 *
 * Structs (groups), cells (object references into `#refs#`), sparse and complex arrays, and objects
 * are refused by variable name with the way out (resave with -v7), never skipped: a reader that
 * drops variables would hand back part of a file.
 */
import { FormatError } from '../../errors.js';
import { checkAllocation, checkShape } from '../allocation.js';
import { childrenOf, isGroup, isNumeric, numberAttribute, openH5, readFloat64, shapeOf, stringAttribute } from '../calcium/h5.js';
import { charText } from './elements.js';
import { NUMERIC_CLASSES, type MatNumericClass, type MatValue } from './types.js';

const RESAVE = "resave it in MATLAB with save(..., '-v7')";

export async function readMatV73(file: string): Promise<Map<string, MatValue>> {
  const h5 = await openH5(file);
  try {
    const variables = new Map<string, MatValue>();
    for (const [name, entity] of childrenOf(h5)) {
      // #refs# holds cell contents, #subsystem# object data: not variables.
      if (name.startsWith('#')) continue;
      const cls = stringAttribute(entity, 'MATLAB_class') ?? 'unknown';
      if (isGroup(entity)) {
        throw new FormatError(file, `variable "${name}" is a MATLAB ${cls} (an HDF5 group); from v7.3 files Cajal reads numeric, logical and char variables: ${RESAVE}`, name);
      }
      if (numberAttribute(entity, 'MATLAB_sparse') !== undefined) throw new FormatError(file, `variable "${name}" is a sparse matrix, which Cajal does not read: save it as full(${name})`, name);
      if (cls !== 'logical' && cls !== 'char' && !NUMERIC_CLASSES.has(cls)) {
        throw new FormatError(file, `variable "${name}" is a MATLAB ${cls}; from v7.3 files Cajal reads numeric, logical and char variables: ${RESAVE}`, name);
      }
      if (!isNumeric(entity)) throw new FormatError(file, `variable "${name}" (${cls}) is complex or of an unreadable HDF5 type: ${RESAVE}`, name);
      const shape = shapeOf(entity);
      if (numberAttribute(entity, 'MATLAB_empty') === 1) {
        // The dataset holds the empty array's dimensions.
        const dims = Array.from(readFloat64(entity, file));
        const empty: MatValue =
          cls === 'char' ? { type: 'char', dims, text: '' } : cls === 'logical' ? { type: 'logical', dims, data: new Uint8Array(0) } : { type: 'numeric', class: cls as MatNumericClass, dims, data: new Float64Array(0), imaginary: null };
        variables.set(name, empty);
        continue;
      }
      const dims = shape.length === 0 ? [1, 1] : shape.length === 1 ? [shape[0]!, 1] : [...shape].reverse();
      checkShape(file, dims, { what: `variable "${name}"`, field: name, allowEmpty: true });
      checkAllocation(file, dims, 8, `variable "${name}"`);
      const data = readFloat64(entity, file);
      if (cls === 'char') {
        variables.set(name, { type: 'char', dims, text: charText(Array.from(data, (unit) => String.fromCharCode(unit)), dims) });
      } else if (cls === 'logical') {
        variables.set(name, { type: 'logical', dims, data: Uint8Array.from(data, (v) => (v !== 0 ? 1 : 0)) });
      } else {
        variables.set(name, { type: 'numeric', class: cls as MatNumericClass, dims, data, imaginary: null });
      }
    }
    return variables;
  } finally {
    h5.close();
  }
}
