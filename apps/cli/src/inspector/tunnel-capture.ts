import { type CaptureSink, ExchangeRecorder } from '@hookline/capture';
import type { ExchangeObserver, Tunnel } from '@hookline/client';

/**
 * Connects a tunnel to a capture sink: body taps go in the tunnel's `observer`
 * option (built before the tunnel), heads and ends come from its events.
 */
export function tunnelRecorder(sink: CaptureSink, target: string) {
  let tunnel: Tunnel | null = null;
  const recorder = new ExchangeRecorder({ sink, target, tunnel: () => tunnel?.name ?? '' });
  const observer: ExchangeObserver = {
    requestBody: (id, chunk) => recorder.requestBody(id, chunk),
    responseBody: (id, chunk) => recorder.responseBody(id, chunk),
  };
  return {
    observer,
    recorder,
    /** Start recording this tunnel's exchanges. */
    attach(attached: Tunnel): void {
      tunnel = attached;
      attached.on('request', (event) => recorder.request(event.id, event.head, event.startedAt));
      attached.on('response', (event) =>
        recorder.response(event.id, { status: event.status, headers: event.headers, waitMs: event.durationMs }),
      );
      attached.on('exchange', (event) => recorder.done(event.id, { totalMs: event.durationMs, error: event.error }));
      attached.on('handshake', (answer) =>
        recorder.relayAnswered({ ...answer, body: Buffer.from(answer.body, 'base64') }),
      );
    },
  };
}
