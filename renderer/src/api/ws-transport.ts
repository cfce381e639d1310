/**
 * Bridge transport: one WebSocket to /api on the page's own origin. The HttpOnly cookie set when
 * the page was opened with its token authenticates the socket. Reconnects with backoff; calls in
 * flight when the socket drops fail with a clear message rather than hanging.
 */
import { BinaryFrameError, EventEnvelope, FrameAssembler, ReplyEnvelope, type Progress } from '../../../shared/api/index.js';
import type { ConnectionState, Transport } from './transport.js';

interface Pending {
  resolve(reply: ReplyEnvelope): void;
  onProgress?(progress: Progress): void;
}

export function wsTransport(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`): Transport {
  const pending = new Map<number, Pending>();
  const eventListeners = new Set<(event: EventEnvelope) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let nextId = 1;
  let socket: WebSocket;
  let state: ConnectionState = 'connecting';
  let opened: Promise<void>;
  let retryDelayMs = 500;
  // Replies holding typed arrays arrive as binary frames, possibly several per reply (binary-frame.ts).
  let assembler = new FrameAssembler();

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const failPending = (message: string) => {
    for (const [id, call] of pending) call.resolve({ id, ok: false, error: { code: 'internal', message } });
    pending.clear();
  };

  const connect = () => {
    setState('connecting');
    socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    assembler = new FrameAssembler();
    opened = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => {
        retryDelayMs = 500;
        setState('open');
        resolve();
      });
      socket.addEventListener('close', () => reject(new Error('closed')));
    });
    opened.catch(() => {});
    socket.addEventListener('message', (message) => {
      if (message.data instanceof ArrayBuffer) onFrame(message.data);
      else onMessage(String(message.data));
    });
    socket.addEventListener('close', () => {
      setState('closed');
      failPending('lost the connection to Cajal; retrying');
      setTimeout(connect, retryDelayMs);
      retryDelayMs = Math.min(retryDelayMs * 2, 8000);
    });
  };

  const onFrame = (data: ArrayBuffer) => {
    let outcome;
    try {
      outcome = assembler.push(data);
    } catch (error) {
      // A corrupt or short frame fails its call with the reason rather than leaving it hanging.
      const id = (error as { replyId?: number | null }).replyId;
      const call = id == null ? undefined : pending.get(id);
      if (call && id != null && error instanceof BinaryFrameError) {
        pending.delete(id);
        call.resolve({ id, ok: false, error: { code: 'internal', message: error.message } });
      }
      return;
    }
    if (outcome.kind === 'progress') {
      if (outcome.id !== null) pending.get(outcome.id)?.onProgress?.(outcome.progress);
      return;
    }
    if (outcome.id !== null) pending.get(outcome.id)?.onProgress?.(outcome.progress);
    onReply(outcome.reply);
  };

  const onMessage = (text: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    onReply(raw);
  };

  const onReply = (raw: unknown) => {
    const reply = ReplyEnvelope.safeParse(raw);
    if (reply.success && reply.data.id !== null && pending.has(reply.data.id)) {
      pending.get(reply.data.id)?.resolve(reply.data);
      pending.delete(reply.data.id);
      return;
    }
    const event = EventEnvelope.safeParse(raw);
    if (event.success) for (const listener of eventListeners) listener(event.data);
  };

  connect();

  return {
    kind: 'bridge',
    async invoke(call, params, options) {
      try {
        await opened;
      } catch {
        return { id: null, ok: false, error: { code: 'internal', message: 'not connected to Cajal' } };
      }
      const id = nextId++;
      return new Promise<ReplyEnvelope>((resolve) => {
        pending.set(id, { resolve, onProgress: options?.onProgress });
        socket.send(JSON.stringify({ id, call, params }));
      });
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  };
}
