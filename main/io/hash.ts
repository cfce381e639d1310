import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileAccessError } from '../errors.js';

/** SHA-256 of a file, streamed so multi-GB recordings never sit in memory. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw fileAccessError(file, error);
  }
  return hash.digest('hex');
}
