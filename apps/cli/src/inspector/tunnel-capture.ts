import { type CaptureDraft, type CaptureRecord, ExchangeRecorder } from '@hookline/capture';
import type { ExchangeEvent, ExchangeObserver, Tunnel, TunnelEvents } from '@hookline/client';

/** A store that numbers and annotates what it is given (a `CaptureStore`). */
interface RecordingSink {
  add(draft: CaptureDraft): CaptureRecord;
}

type Recorded = (event: ExchangeEvent, record: CaptureRecord | null) => void;

/** An ending to record: a finished exchange, or a request the relay answered itself. */
type Ending = { exchange: ExchangeEvent } | { handshake: TunnelEvents['handshake'][0] };

/**
 * Connects a tunnel to a capture sink: body taps go in the tunnel's `observer`
 * option (built before the tunnel), heads and ends come from its events.
 *
 * Endings are recorded in a batch on the next turn of the event loop, not inside
 * the `exchange` event: that event fires before the exchange's last frames are
 * flushed (the frame writer flushes on `setImmediate`), so recording there put
 * the capture's work (signature check, row, listing) between the local server's
 * answer and the caller's. Queued after the flush, the caller is answered first,
 * and one batch of endings runs with warm caches (measured in the commit that
 * added it). Order is kept: captures are numbered in the order exchanges ended.
 */
export function tunnelRecorder(sink: RecordingSink, target: string) {
  let tunnel: Tunnel | null = null;
  const recorder = new ExchangeRecorder({ sink, target, tunnel: () => tunnel?.name ?? '' });
  const observer: ExchangeObserver = {
    requestBody: (id, chunk) => recorder.requestBody(id, chunk),
    // A body the client collected whole is kept as that one buffer (BodyCollector shares it).
    requestBodyCollected: (id, body) => recorder.requestBody(id, body),
    responseBody: (id, chunk) => recorder.responseBody(id, chunk),
  };
  let recorded: Recorded | undefined;
  let endings: Ending[] = [];
  let scheduled: NodeJS.Immediate | null = null;

  const record = (ending: Ending) => {
    if ('handshake' in ending) {
      const answer = ending.handshake;
      recorder.relayAnswered({ ...answer, body: Buffer.from(answer.body, 'base64') });
      return;
    }
    const { exchange } = ending;
    const stored = recorder.done(exchange.id, {
      totalMs: exchange.durationMs,
      error: exchange.error,
      late: exchange.late,
      target: exchange.target,
      route: exchange.route,
    });
    recorded?.(exchange, (stored as CaptureRecord | undefined) ?? null);
  };
  /** Record every waiting ending now (the next turn's batch, or before the store closes). */
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = null;
    const batch = endings;
    endings = [];
    for (const ending of batch) record(ending);
  };
  const later = (ending: Ending) => {
    endings.push(ending);
    scheduled ??= setImmediate(flush);
  };

  return {
    observer,
    recorder,
    flush,
    /**
     * Start recording this tunnel's exchanges; `onRecorded` hears each one with its
     * capture (signature verdict included) once it is stored.
     */
    attach(attached: Tunnel, onRecorded?: Recorded): void {
      tunnel = attached;
      recorded = onRecorded;
      attached.on('request', (event) => recorder.request(event.id, event.head, event.startedAt));
      attached.on('response', (event) =>
        recorder.response(event.id, { status: event.status, headers: event.headers, waitMs: event.durationMs }),
      );
      attached.on('exchange', (exchange) => later({ exchange }));
      attached.on('handshake', (handshake) => later({ handshake }));
    },
  };
}
