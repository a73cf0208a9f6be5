import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { BodyPump, BodySink, ERROR_STATUS, type ErrorCode, FrameType } from '@hookline/protocol';
import { judgeResponseHead, ResponseBodyFraming } from '../response-framing.js';
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
 * The status of the response head is the acknowledgement. The response's framing
 * is the relay's, as on the plain path (`response-framing.ts`): a client cannot
 * write past its Content-Length into the caller's connection, nor answer with a
 * 1xx, a 101 or a status outside 200–599 (E_BAD_RESPONSE: the try counts, the
 * sender gets 202 and the webhook is delivered again).
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
    let framing: ResponseBodyFraming | null = null;
    // The caller's answer is whole: never cut it afterwards (a keep-alive caller may
    // already have sent its next request on the connection).
    let answered = false;
    const refuse = (message: string): void => {
      session.reset(id, 'E_BAD_RESPONSE', message);
      pump?.stop();
      sink?.close();
      settle({ kind: 'settled', result: { status: 502, error: `E_BAD_RESPONSE: ${message}` } });
      // An unusable answer is no answer: the webhook is stored and will be tried again,
      // so a sender that has no head yet gets the dispatcher's 202, not a 502 inviting
      // a retry of its own (a duplicate). One whose head went out is cut.
      if (caller?.headersSent && !answered) caller.destroy();
    };
    const finishAnswer = (): void => {
      answered = true;
      sink?.end();
    };
    const stream: RelayStream = {
      onResponseHead(response) {
        if (framing) return refuse('a second final response head');
        const verdict = judgeResponseHead(response, { method: entry.head.method, upgrade: false });
        if (verdict.kind === 'interim') return;
        if (verdict.kind !== 'final') return refuse(verdict.kind === 'refuse' ? verdict.message : 'unexpected 101');
        let answeredSender = false;
        if (caller && !caller.headersSent && !caller.destroyed) {
          try {
            caller.strictContentLength = true;
            caller.writeHead(verdict.status, verdict.headers);
            answeredSender = true;
          } catch {
            caller.destroy();
          }
        }
        settle({ kind: 'settled', result: { status: verdict.status, error: null, answeredSender } });
        framing = new ResponseBodyFraming(verdict.length);
        sink = new BodySink({ destination: lenientDestination(caller), writer: session.writer, stream: id, window });
        if (framing.complete) finishAnswer();
      },
      onResponseBody(chunk) {
        if (!framing) return refuse('response body before its head');
        if (answered && framing.complete) return refuse('response body longer than its Content-Length');
        const step = framing.take(chunk);
        if (step.write) sink?.push(step.write);
        if (step.complete && !answered) finishAnswer();
        if (step.overrun) refuse('response body longer than its Content-Length');
      },
      onResponseEnd() {
        if (!framing) return refuse('response ended before its head');
        // Fewer bytes than declared: the caller's connection must not be reused.
        if (!framing.whole()) caller?.destroy();
        if (!answered) finishAnswer();
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
        if (caller?.headersSent && !answered) caller.destroy();
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
