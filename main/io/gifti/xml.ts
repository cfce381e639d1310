/**
 * A small, strict XML parser for the regular XML of GIfTI files and atlas label files (FSL/AAL
 * `.xml`): elements, attributes, text, CDATA, comments, processing instructions and a DOCTYPE
 * without an internal subset. It returns the whole element tree.
 *
 * Why not an npm XML parser: GIfTI needs none of what makes general XML hard (namespaces, DTD
 * validation, entity declarations), and general parsers that expand declared entities are where
 * "billion laughs" memory blow-ups come from. Here only the five predefined entities and numeric
 * character references are decoded and a DOCTYPE with an internal subset is refused, so the tree
 * is never larger than the text it came from; the text itself is bounded by the caller (the file
 * size, or the inflate limit for `.gii.gz`). One module of ~200 lines also avoids a dependency.
 *
 * Errors name the file and the line ("line 12: <DataArray> closed by </GIFTI>"). Offsets are in
 * characters of the decoded text, so they are reported as lines, not as byte offsets.
 */
import { FormatError } from '../../errors.js';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA, entities decoded), children's text excluded. */
  text: string;
  /** Character offset of the `<` that opens the element (for messages: `lineOf`). */
  offset: number;
}

/** Deeper nesting than any GIfTI or atlas file has; a bound keeps a hostile file from building a chain. */
const MAX_DEPTH = 64;

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("[^"<]*"|'[^'<]*')/y;
const ENTITY = /&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** 1-based line number of a character offset in `text`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

/**
 * Decodes the bytes of an XML file as the encoding its declaration names: ISO-8859-1 / Latin-1 /
 * windows-1252 (AAL's XML says ISO-8859-1), otherwise UTF-8 (the XML default). A UTF-8 BOM is dropped.
 */
export function decodeXmlBytes(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && /^(iso-8859-1|latin-?1|windows-1252|us-ascii|ascii)$/.test(declared)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses `text` (the whole document) and returns its root element; FormatError naming `file` and the line otherwise. */
export function parseXml(file: string, text: string): XmlElement {
  const fail = (offset: number, problem: string): never => {
    throw new FormatError(file, `XML line ${lineOf(text, offset)}: ${problem}`);
  };

  const decode = (raw: string, offset: number): string =>
    raw.indexOf('&') < 0
      ? raw
      : raw.replace(ENTITY, (whole, entity: string) => {
          if (entity.startsWith('#')) {
            const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
            if (!(code > 0 && code <= 0x10ffff)) fail(offset, `character reference ${whole} is not a character`);
            return String.fromCodePoint(code);
          }
          const value = PREDEFINED[entity];
          if (value === undefined) fail(offset, `entity ${whole} is not one of XML's predefined entities (declared entities are not read)`);
          return value as string;
        });

  const stack: { element: XmlElement; text: string[] }[] = [];
  let root: XmlElement | null = null;
  let pos = 0;

  const appendText = (raw: string, offset: number): void => {
    const top = stack[stack.length - 1];
    if (top) top.text.push(raw);
    else if (raw.trim() !== '') fail(offset, root ? 'text after the root element' : 'text before the root element');
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    if (lt < 0) {
      appendText(decode(text.slice(pos), pos), pos);
      break;
    }
    if (lt > pos) appendText(decode(text.slice(pos, lt), pos), pos);

    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) fail(lt, 'a comment is not closed (the file is truncated?)');
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) fail(lt, 'a CDATA section is not closed (the file is truncated?)');
      if (!stack.length) fail(lt, 'CDATA outside the root element');
      appendText(text.slice(lt + 9, end), lt);
      pos = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) fail(lt, 'a processing instruction is not closed');
      pos = end + 2;
    } else if (text.startsWith('<!DOCTYPE', lt)) {
      if (root || stack.length) fail(lt, 'DOCTYPE inside the document');
      const end = text.indexOf('>', lt);
      if (end < 0) fail(lt, 'the DOCTYPE is not closed');
      // A "[" opens an internal subset, where entities are declared: refused rather than expanded.
      if (text.slice(lt, end).includes('[')) fail(lt, 'a DOCTYPE with an internal subset (entity declarations) is not read');
      pos = end + 1;
    } else if (text[lt + 1] === '/') {
      NAME.lastIndex = lt + 2;
      const name = NAME.exec(text)?.[0];
      const close = name === undefined ? -1 : text.indexOf('>', lt);
      if (name === undefined || close < 0 || text.slice(lt + 2 + name.length, close).trim() !== '') fail(lt, 'a malformed closing tag');
      const top = stack.pop();
      if (!top) return fail(lt, `</${String(name)}> closes nothing`);
      if (top.element.name !== name) fail(lt, `<${top.element.name}> (line ${lineOf(text, top.element.offset)}) is closed by </${String(name)}>`);
      top.element.text = top.text.length === 1 ? (top.text[0] as string) : top.text.join('');
      pos = close + 1;
    } else {
      NAME.lastIndex = lt + 1;
      const name = NAME.exec(text)?.[0];
      if (name === undefined) return fail(lt, 'a "<" that opens no tag');
      if (root && !stack.length) fail(lt, `a second root element <${name}>`);
      if (stack.length >= MAX_DEPTH) fail(lt, `elements nested more than ${MAX_DEPTH} deep`);
      const element: XmlElement = { name, attributes: {}, children: [], text: '', offset: lt };
      let at = lt + 1 + name.length;
      for (;;) {
        ATTRIBUTE.lastIndex = at;
        const match = ATTRIBUTE.exec(text);
        if (!match) break;
        const [whole, key, quoted] = match as unknown as [string, string, string];
        if (Object.hasOwn(element.attributes, key)) fail(at, `attribute ${key} repeated in <${name}>`);
        element.attributes[key] = decode(quoted.slice(1, -1), at);
        at += whole.length;
      }
      while (at < text.length && /\s/.test(text[at] as string)) at++;
      const selfClosing = text.startsWith('/>', at);
      if (!selfClosing && text[at] !== '>') fail(at, at >= text.length ? `<${name}> is cut off (the file is truncated?)` : `a malformed tag <${name}>`);
      const parent = stack[stack.length - 1];
      if (parent) parent.element.children.push(element);
      else root = element;
      if (!selfClosing) stack.push({ element, text: [] });
      pos = at + (selfClosing ? 2 : 1);
    }
  }
  const open = stack[stack.length - 1];
  if (open) fail(open.element.offset, `<${open.element.name}> is never closed (the file is truncated?)`);
  if (!root) fail(0, 'no root element (not an XML file?)');
  return root as XmlElement;
}

/** The children of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The first child of `element` named `name`, or null. */
export function childNamed(element: XmlElement, name: string): XmlElement | null {
  return element.children.find((child) => child.name === name) ?? null;
}
