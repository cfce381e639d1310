/**
 * Text files of the atlas module (label tables, coordinate tables, BrainNet .node/.edge): read whole
 * through the same checks as every reader (a readable regular file, within the memory budget,
 * inflated when gzipped), decoded as UTF-8 with a BOM dropped, split into lines with their numbers.
 */
import { FormatError } from '../../errors.js';
import { readFileBytes } from '../gifti/file-bytes.js';

export interface TextLine {
  /** 1-based line number in the file, for messages. */
  line: number;
  text: string;
}

/** Decodes bytes as UTF-8 (dropping a BOM); FormatError for a binary file (a NUL byte). */
export function decodeText(file: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new FormatError(file, 'is a binary file, not text', 'text', nul);
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function readText(path: string): Promise<string> {
  const { bytes } = await readFileBytes(path);
  return decodeText(path, bytes);
}

/**
 * The lines of `text` that hold something: blank lines and `#` comments (BrainNet Viewer's, and
 * the usual in coordinate tables) are left out; line endings CRLF or LF; trailing spaces trimmed.
 */
export function contentLines(text: string): TextLine[] {
  const out: TextLine[] = [];
  text.split(/\r?\n|\r/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) out.push({ line: index + 1, text: trimmed });
  });
  return out;
}

/** A number token as MATLAB, numpy and spreadsheets write them ("NaN", "Inf", "-inf" included); null when it is not one. */
export function parseNumber(token: string): number | null {
  if (token === '') return null;
  const value = Number(token);
  if (!Number.isNaN(value)) return value;
  if (/^[+-]?nan$/i.test(token)) return NaN;
  if (/^[+-]?inf(inity)?$/i.test(token)) return token.startsWith('-') ? -Infinity : Infinity;
  return null;
}
