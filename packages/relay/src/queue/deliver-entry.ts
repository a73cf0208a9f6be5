import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BodyPump, BodySink, ERROR_STATUS, type ErrorCode, FrameType, stripHopByHop } from '@hookline/protocol';
import type { RelayStream, TunnelSession } from '../tunnel-session.js';
import { lenientDestination } from './lenient-destination.js';
import type { AttemptResult, QueueEntry } from './queue-entry.js';

/** `settled`: the attempt counts; `interrupted`: it never reached the local server's answer. */
export type DeliveryOutcome = { kind: 'settled'; result: AttemptResult } | { kind: 'interrupted' };

/** Codes meaning the tunnel itself went away: the try is not used up. */
const INTERRUPTIONS: ReadonlySet<ErrorCode> = new Set(['E_TUNNEL_CLOSED', 'E_RELAY_SHUTDOWN', 'E_TOO_MANY_STREAMS']);

/**
 * Send one queued webhook through a session, with `hookline-delivery` and the
 * attempt number in its head. With a `caller`, the local response streams back
 * to it (the live path of a queued tunnel); without, the response is drained.
 * The status of the response head is the acknowledgement.
 */
export function deliverEntry(
  session: TunnelSession,
  entry: QueueEntry,
  body: Buffer,
  caller: ServerResponse | null,
  window: number,
): Promise<DeliveryOutcome> {
  return new Promise((resolve) => {
    let outcome: DeliveryOutcome | null = null;
    let pump: BodyPump | null = null;
    let sink: BodySink | null = null;
    const settle = (value: DeliveryOutcome): void => {
      if (outcome) return;
      outcome = value;
      resolve(value);
    };
    const head = {
      ...entry.head,
      hasBody: body.length > 0,
      delivery: { id: entry.id, attempt: entry.attempts + 1 },
    };
    const stream: RelayStream = {
      onResponseHead(response) {
        let answeredSender = false;
        if (caller && !caller.headersSent && !caller.destroyed) {
          try {
            caller.writeHead(response.status, stripHopByHop(response.headers));
            answeredSender = true;
          } catch {
            caller.destroy();
          }
        }
        settle({ kind: 'settled', result: { status: response.status, error: null, answeredSender } });
        sink = new BodySink({ destination: lenientDestination(caller), writer: session.writer, stream: id, window });
      },
      onResponseBody(chunk) {
        sink?.push(chunk);
      },
      onResponseEnd() {
        sink?.end();
        pump?.stop();
        session.finish(id);
      },
      onWindow(credit) {
        pump?.grant(credit);
      },
      onReset(code, message) {
        pump?.stop();
        sink?.close();
        if (INTERRUPTIONS.has(code)) settle({ kind: 'interrupted' });
        else settle({ kind: 'settled', result: { status: ERROR_STATUS[code], error: `${code}: ${message}` } });
        if (caller?.headersSent) caller.destroy();
      },
    };
    const opened = session.open(stream, head);
    if (opened === null) return settle({ kind: 'interrupted' });
    const id: number = opened;
    if (body.length === 0) {
      session.writer.write({ type: FrameType.REQUEST_END, stream: id });
      return;
    }
    pump = new BodyPump({
      source: Readable.from([body]),
      writer: session.writer,
      stream: id,
      direction: 'request',
      window,
    });
  });
}
