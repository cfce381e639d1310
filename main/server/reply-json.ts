/**
 * JSON.stringify of a reply, in slices that yield to the event loop, so serialising one large
 * reply (an NTF result, a long annotation list, a binary reply's header) does not hold up the
 * other sockets' requests (typed arrays travel as binary frames: reply-binary.ts). The text is
 * exactly JSON.stringify's: long runs of primitives in arrays are serialised by JSON.stringify in
 * slices of RUN_ELEMENTS, plain objects and arrays are walked, anything else (a toJSON, a class
 * instance, a primitive) goes to JSON.stringify whole.
 */
import { Slicer } from '../scheduling/cooperative.js';

/** Array elements serialised per JSON.stringify call (~1 ms of numbers). */
const RUN_ELEMENTS = 8192;

const isPrimitive = (value: unknown): boolean => value === null || (typeof value !== 'object' && typeof value !== 'function');
/** Values JSON.stringify leaves out of objects (and writes as null in arrays). */
const isSkipped = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

class Writer {
  readonly parts: string[] = [];
  private readonly slicer = new Slicer();

  pause(): Promise<void> {
    return this.slicer.checkpoint();
  }

  async value(value: unknown): Promise<void> {
    if (Array.isArray(value)) await this.array(value);
    else if (isPlainObject(value)) await this.object(value);
    else this.parts.push(JSON.stringify(value) ?? 'null');
  }

  private async array(array: readonly unknown[]): Promise<void> {
    if (array.length <= RUN_ELEMENTS && array.every(isPrimitive)) {
      this.parts.push(JSON.stringify(array));
      return;
    }
    this.parts.push('[');
    for (let i = 0; i < array.length; ) {
      if (i > 0) this.parts.push(',');
      if (isPrimitive(array[i]) || isSkipped(array[i])) {
        let end = i + 1;
        while (end < array.length && end - i < RUN_ELEMENTS && (isPrimitive(array[end]) || isSkipped(array[end]))) end++;
        this.parts.push(JSON.stringify(array.slice(i, end)).slice(1, -1));
        i = end;
      } else {
        await this.value(array[i]);
        i++;
      }
      await this.pause();
    }
    this.parts.push(']');
  }

  private async object(object: Record<string, unknown>): Promise<void> {
    this.parts.push('{');
    let first = true;
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (isSkipped(value)) continue;
      this.parts.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      await this.value(value);
    }
    this.parts.push('}');
  }
}

/** The JSON text of a reply (as JSON.stringify writes it), computed in slices. */
export async function replyJson(reply: unknown): Promise<string> {
  const writer = new Writer();
  await writer.value(reply);
  return writer.parts.join('');
}
