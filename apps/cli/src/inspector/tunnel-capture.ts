import { type CaptureDraft, type CaptureRecord, ExchangeRecorder } from '@hookline/capture';
import type { ExchangeEvent, ExchangeObserver, Tunnel } from '@hookline/client';

/** A store that numbers and annotates what it is given (a `CaptureStore`). */
interface RecordingSink {
  add(draft: CaptureDraft): CaptureRecord;
}

/**
 * Connects a tunnel to a capture sink: body taps go in the tunnel's `observer`
 * option (built before the tunnel), heads and ends come from its events.
 */
export function tunnelRecorder(sink: RecordingSink, target: string) {
  let tunnel: Tunnel | null = null;
  const recorder = new ExchangeRecorder({ sink, target, tunnel: () => tunnel?.name ?? '' });
  const observer: ExchangeObserver = {
    requestBody: (id, chunk) => recorder.requestBody(id, chunk),
    responseBody: (id, chunk) => recorder.responseBody(id, chunk),
  };
  return {
    observer,
    recorder,
    /**
     * Start recording this tunnel's exchanges; `recorded` hears each one with its
     * capture (signature verdict included) once it is stored.
     */
    attach(attached: Tunnel, recorded?: (event: ExchangeEvent, record: CaptureRecord | null) => void): void {
      tunnel = attached;
      attached.on('request', (event) => recorder.request(event.id, event.head, event.startedAt));
      attached.on('response', (event) =>
        recorder.response(event.id, { status: event.status, headers: event.headers, waitMs: event.durationMs }),
      );
      attached.on('exchange', (event) => {
        const record = recorder.done(event.id, {
          totalMs: event.durationMs,
          error: event.error,
          late: event.late,
          target: event.target,
          route: event.route,
        });
        recorded?.(event, (record as CaptureRecord | undefined) ?? null);
      });
      attached.on('handshake', (answer) =>
        recorder.relayAnswered({ ...answer, body: Buffer.from(answer.body, 'base64') }),
      );
    },
  };
}
