/**
 * Sends one reply on the API socket. A reply holding typed arrays (an EEG page, a volume, a mesh)
 * goes out as binary frames (shared/api/binary-frame.ts): a JSON header and the arrays' raw bytes,
 * in chunks of BINARY_CHUNK_BYTES with a yield between frames, so one large payload takes turns
 * with the other sockets' replies. Any other reply is JSON, serialised in slices (reply-json.ts).
 */
import type { WebSocket } from 'ws';
import { BinaryFrameError, encodeBinaryReply, hasTypedArrays, type ReplyEnvelope } from '../../shared/api/index.js';
import { replyJson } from './reply-json.js';

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function sendReply(ws: WebSocket, reply: ReplyEnvelope): Promise<void> {
  if (reply.ok && hasTypedArrays(reply.result)) {
    let frames: Uint8Array[];
    try {
      frames = (await encodeBinaryReply(reply.id, reply, { headerJson: replyJson })).frames;
    } catch (error) {
      if (!(error instanceof BinaryFrameError)) throw error;
      const refused: ReplyEnvelope = { id: reply.id, ok: false, error: { code: 'internal', message: error.message } };
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(refused));
      return;
    }
    for (const [i, frame] of frames.entries()) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame, { binary: true });
      if (i < frames.length - 1) await yieldToLoop();
    }
    return;
  }
  // Serialised in slices: a large reply does not hold up the other sockets.
  const text = await replyJson(reply);
  if (ws.readyState === ws.OPEN) ws.send(text);
}
