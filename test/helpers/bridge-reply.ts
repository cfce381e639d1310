/**
 * Reads the bridge's replies as the renderer does: JSON text messages as they are, binary frames
 * (replies holding typed arrays) reassembled by the same FrameAssembler as renderer/src/api/ws-transport.ts.
 */
import type WebSocket from 'ws';
import { FrameAssembler, type Progress } from '../../shared/api/index.js';

export class ReplyReader {
  private readonly assembler = new FrameAssembler();

  /**
   * One message in; the whole reply out once its last frame arrived, else null. `text` is the JSON
   * text for a JSON reply and '' for a binary one (whose arrays have no JSON form).
   */
  push(data: WebSocket.RawData, isBinary: boolean, onProgress?: (progress: Progress) => void): { reply: unknown; text: string; binary: boolean } | null {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!isBinary) {
      const text = buffer.toString();
      return { reply: JSON.parse(text) as unknown, text, binary: false };
    }
    const outcome = this.assembler.push(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
    onProgress?.(outcome.progress);
    return outcome.kind === 'complete' ? { reply: outcome.reply, text: '', binary: true } : null;
  }
}
