/**
 * Whether a text file is a brain-graph node file (BrainNet .node, a coordinate table) or an edge
 * matrix (BrainNet .edge), from its content; null for neither.
 *
 * - A header naming x/y/z (or R/A/S) columns: nodes.
 * - Lines of six fields, five numbers then a non-number (the label): nodes.
 * - Lines all numeric, each as long as there are lines: edges (a square matrix).
 * - Lines all numeric with six fields and not six lines: nodes whose labels are numbers.
 *
 * Content alone cannot tell a 6×6 matrix from six nodes labelled with numbers; only then does the
 * extension decide (.node or .edge; null for another). Only the first MiB is read: enough for any
 * node file. A longer file is a matrix when its rows seen are numeric, of one length, and no more
 * numerous than that length (the rest of a square matrix's rows lie past the head).
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { assertReadableSource } from '../source-file.js';
import { isCoordinateHeader, splitFields } from './nodes.js';
import { contentLines, parseNumber } from './text.js';

const SNIFF_BYTES = 1024 * 1024;

export type BrainGraphFileKind = 'nodes' | 'edges';

/** The kind of a brain-graph text `head` (the whole file when `complete`); `extension` ('.node', '.edge'…) only breaks the 6×6 tie. */
export function sniffBrainGraph(head: string, complete: boolean, extension: string): BrainGraphFileKind | null {
  let lines = contentLines(head);
  // A cut head ends in a partial line.
  if (!complete) lines = lines.slice(0, -1);
  const first = lines[0];
  if (!first) return null;
  const comma = first.text.includes(',');
  if (isCoordinateHeader(splitFields(first.text, comma))) return 'nodes';
  const rows = lines.map((line) => line.text.split(/[\s,]+/).filter((field) => field !== ''));
  const numeric = (field: string): boolean => parseNumber(field) !== null;
  if (!comma && rows.every((fields) => fields.length === 6 && fields.slice(0, 5).every(numeric) && !numeric(fields[5] as string))) return 'nodes';
  const width = rows[0]?.length ?? 0;
  if (!rows.every((fields) => fields.length === width && fields.every(numeric))) return null;
  const ext = extension.toLowerCase();
  if (complete ? rows.length === width : rows.length <= width) {
    if (width !== 6) return 'edges';
    return ext === '.node' ? 'nodes' : ext === '.edge' ? 'edges' : null;
  }
  return width === 6 && !comma ? 'nodes' : null;
}

/** 'nodes', 'edges' or null for a file (by content; the extension only where content is ambiguous). */
export async function brainGraphFileKind(path: string): Promise<BrainGraphFileKind | null> {
  try {
    assertReadableSource(path);
    const handle = await open(path, 'r');
    try {
      const buffer = new Uint8Array(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      const bytes = buffer.subarray(0, bytesRead);
      if (bytes.includes(0)) return null;
      const complete = bytesRead < SNIFF_BYTES || (await handle.stat()).size === bytesRead;
      return sniffBrainGraph(new TextDecoder('utf-8').decode(bytes), complete, extname(path));
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
