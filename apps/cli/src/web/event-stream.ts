import type { CaptureListing } from '@hookline/capture';
import { summarize } from '../inspector/capture-summary.js';
import type { StatusSource } from '../tui/sources.js';
import { WebError } from './web-errors.js';

export interface EventStreamOptions {
  subscribeCaptures: (listener: (listing: CaptureListing) => void) => () => void;
  status: StatusSource;
  /** Streams open at once; one more is refused with 429 `E_TOO_MANY_STREAMS`. */
  maxClients: number;
  /** Events queued for one client that does not read; past it that client is dropped. */
  maxQueued: number;
  /** A comment line this often keeps proxies and the browser from timing the stream out. */
  keepAliveMs: number;
}

const encoder = new TextEncoder();
const message = (event: string, data: unknown) => encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * `GET /api/v1/events`: Server-Sent Events. `status` (the tunnel and its queue,
 * at once and on every change) and `capture` (the summary of each new exchange,
 * replays included). Bounded: at most `maxClients` streams, and a client that
 * stops reading is dropped once `maxQueued` events wait for it, instead of
 * holding memory for ever.
 */
export function eventStreams(options: EventStreamOptions) {
  let open = 0;
  const closers = new Set<() => void>();
  return {
    response(): Response {
      if (open >= options.maxClients) {
        throw new WebError(429, 'E_TOO_MANY_STREAMS', `at most ${options.maxClients} event streams at once`);
      }
      open += 1;
      let stop = (_slow?: boolean) => {};
      const body = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            let closed = false;
            const closer = () => stop();
            const send = (chunk: Uint8Array) => {
              if (closed) return;
              // desiredSize falls below zero by one for every event the client has not taken.
              if ((controller.desiredSize ?? 0) < -options.maxQueued) return stop(true);
              controller.enqueue(chunk);
            };
            const offCaptures = options.subscribeCaptures((listing) => send(message('capture', summarize(listing))));
            const offStatus = options.status.subscribe(() => send(message('status', options.status.get())));
            const timer = setInterval(() => send(encoder.encode(': keep-alive\n\n')), options.keepAliveMs);
            stop = (slow = false) => {
              if (closed) return;
              closed = true;
              open -= 1;
              clearInterval(timer);
              offCaptures();
              offStatus();
              closers.delete(closer);
              try {
                // A client too slow to read is cut off: error() drops what waits for it, close() would keep it.
                if (slow) controller.error(new Error('event stream client stopped reading'));
                else controller.close();
              } catch {
                // Already cancelled by the client.
              }
            };
            closers.add(closer);
            send(message('status', options.status.get()));
          },
          cancel: () => stop(),
        },
        { highWaterMark: 0 },
      );
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' },
      });
    },
    /** Streams open now. */
    get open() {
      return open;
    },
    /** End every stream (the server is closing). */
    closeAll(): void {
      for (const close of [...closers]) close();
    },
  };
}
