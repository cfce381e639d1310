/**
 * Validates one raw request against the API contract, calls its handler, and always answers with a
 * reply envelope: a malformed message gets a clear error, never an exception in the transport.
 */
import {
  ApiErrorPayload,
  RequestEnvelope,
  calls,
  describeSchemaError,
  isCallName,
  type ErrorCode,
  type ReplyEnvelope,
} from '../../shared/api/index.js';
import { UserError } from '../errors.js';
import { asStorageError } from '../store/index.js';
import type { Handlers } from './handlers.js';

function reply(id: number | null, code: ErrorCode, message: string): ReplyEnvelope {
  return { id, ok: false, error: ApiErrorPayload.parse({ code, message }) };
}

export interface DispatchContext {
  /** The open project file: a disk-full or I/O failure of any call is reported against it. */
  projectPath?: string;
}

export async function dispatch(handlers: Handlers, raw: unknown, context: DispatchContext = {}): Promise<ReplyEnvelope> {
  const envelope = RequestEnvelope.safeParse(raw);
  if (!envelope.success) {
    const id = typeof (raw as { id?: unknown } | null)?.id === 'number' ? (raw as { id: number }).id : null;
    return reply(id, 'bad-request', `malformed request: ${describeSchemaError(envelope.error)}`);
  }
  const { id, call, params } = envelope.data;
  if (!isCallName(call)) return reply(id, 'unknown-call', `unknown call "${call.slice(0, 100)}"`);
  const parsed = calls[call].params.safeParse(params ?? {});
  if (!parsed.success) return reply(id, 'bad-request', `invalid params for ${call}: ${describeSchemaError(parsed.error)}`);
  try {
    const handler = handlers[call] as (p: unknown) => unknown;
    const result = await handler(parsed.data);
    return { id, ok: true, result };
  } catch (error) {
    if (error instanceof UserError) return reply(id, error.code, error.message);
    // A full disk under the project file is the user's to fix, whichever call hit it.
    const storage = context.projectPath ? asStorageError(error, context.projectPath) : undefined;
    if (storage) return reply(id, storage.code, storage.message);
    const message = error instanceof Error ? error.message : String(error);
    return reply(id, 'internal', `internal error in ${call}: ${message}`);
  }
}
