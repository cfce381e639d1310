/**
 * The typed API as the views see it, over either transport. Results and events are checked
 * against the contract's schemas, so a view never renders a payload of the wrong shape.
 */
import {
  ApiError,
  calls,
  events,
  describeSchemaError,
  type CajalApi,
  type CallName,
  type CallParams,
  type CallResult,
  type EventName,
  type EventPayload,
} from '../../../shared/api/index.js';
import { ipcTransport } from './ipc-transport.js';
import type { InvokeOptions, Transport } from './transport.js';
import { wsTransport } from './ws-transport.js';

export interface CajalClient extends CajalApi {
  readonly transport: Transport;
  call<N extends CallName>(name: N, params: CallParams<N>, options?: InvokeOptions): Promise<CallResult<N>>;
}

export function createClient(transport: Transport): CajalClient {
  return {
    transport,
    async call<N extends CallName>(name: N, params: CallParams<N>, options?: InvokeOptions): Promise<CallResult<N>> {
      const reply = await transport.invoke(name, params, options);
      if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
      // Typed arrays are checked here too: dtype, and lengths against the shape fields beside them.
      const parsed = calls[name].result.safeParse(reply.result);
      if (!parsed.success) throw new ApiError('internal', `reply to ${name} has the wrong shape: ${describeSchemaError(parsed.error)}`);
      return parsed.data as CallResult<N>;
    },
    on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
      return transport.subscribe((envelope) => {
        if (envelope.event !== name) return;
        const parsed = events[name].safeParse(envelope.payload);
        if (parsed.success) listener(parsed.data as EventPayload<N>);
      });
    },
  };
}

/** Electron's preload when present, the loopback bridge otherwise. */
export function connect(): CajalClient {
  return createClient(window.cajal ? ipcTransport(window.cajal) : wsTransport());
}
