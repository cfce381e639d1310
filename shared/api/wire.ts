/**
 * Wire envelopes shared by both transports. A request carries a call name and params; the reply
 * carries either a result or an error with a machine-readable code and a readable message.
 */
import { z } from 'zod';

export const MAX_MESSAGE_BYTES = 1024 * 1024;

export const ErrorCode = z.enum([
  'bad-request', // malformed envelope or params failing the schema
  'unknown-call',
  'not-found',
  'format', // a file that is not what it claims (FormatError)
  'validation', // a value out of range (ValidationError)
  'io', // missing file, permission
  'conflict', // e.g. cancelling a finished run
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorPayload = z.object({ code: ErrorCode, message: z.string() });
export type ApiErrorPayload = z.infer<typeof ApiErrorPayload>;

export const RequestEnvelope = z
  .object({
    id: z.number().int().nonnegative(),
    call: z.string().min(1).max(100),
    params: z.unknown(),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ReplyEnvelope = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int().nullable(), ok: z.literal(false), error: ApiErrorPayload }),
]);
export type ReplyEnvelope = z.infer<typeof ReplyEnvelope>;

export const EventEnvelope = z.object({ event: z.string(), payload: z.unknown() });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** Error carried across a transport back into a UI. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One readable line from a zod error: "field: problem; field: problem". */
export function describeSchemaError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(payload)'}: ${issue.message}`)
    .join('; ');
}
