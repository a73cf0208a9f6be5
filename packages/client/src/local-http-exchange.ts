import { PassThrough } from 'node:stream';
import { BodyPump, BodySink, declaredContentLength, stripHopByHop } from '@hookline/protocol';
import type { Dispatcher } from 'undici';
import {
  type ClientStream,
  describeLocalError,
  ExchangeLifecycle,
  type LocalExchangeInit,
} from './exchange-lifecycle.js';
import { HeldBody } from './held-body.js';
import type { LatePlan } from './late-delivery.js';
import { latin1, reasonPhrase, requestHeaders, serverName } from './undici-wire.js';

/**
 * One plain HTTP exchange, sent to the local server with undici's dispatcher
 * (callbacks, no streams on the response side; the client's CPU per 1 KB
 * request went from ~69 to ~35 µs against node:http's ClientRequest). A body that arrives whole in the same tunnel
 * message as its head (most webhooks) goes out as one buffer. So does one whose
 * declared length fits the stream window: the relay sends it without waiting for
 * credit, and the client collects it first, as nginx buffers request bodies by
 * default: one write to the local server instead of one per 64 KiB frame. Any
 * other body streams through a PassThrough with flow control.
 */
export function startHttpExchange(init: LocalExchangeInit, dispatcher: Pick<Dispatcher, 'dispatch'>): ClientStream {
  const { head, writer, stream, target } = init;
  let pump: BodyPump | null = null;
  let sink: BodySink | null = null;
  let body: PassThrough | null = null;
  /** A late delivery's body, held until whole to be re-signed. */
  let held: HeldBody | null = null;
  /** Body chunks received before the request was dispatched; null once dispatched. */
  let early: Buffer[] | null = head.hasBody ? [] : null;
  let earlyBytes = 0;
  let earlyEnded = false;
  const declared = head.hasBody ? declaredContentLength(head.headers) : null;
  /** Wait for the whole body: it is declared to fit the window, so the relay sends it all unasked. */
  const collectWhole = declared !== null && declared <= init.window;
  const wholeLength = collectWhole ? (declared as number) : 0;
  /**
   * A body collected over several frames, copied: a chunk is a view of its tunnel
   * message and would keep that whole message alive. Holds exactly what was declared.
   * An observer with `requestBodyCollected` is shown it once, whole (`showCollected`),
   * not chunk by chunk: a capture then keeps this buffer instead of copying the body again.
   */
  let collected: Buffer | null = null;
  const showWhole = init.observer?.requestBodyCollected !== undefined;
  /** Called once per collected body: each caller drops `collected` right after. */
  const showCollected = () => {
    if (collected !== null && showWhole)
      init.observer?.requestBodyCollected?.(init.id, collected.subarray(0, earlyBytes));
  };
  let abortRequest: ((error: Error) => void) | null = null;
  let resumeResponse: (() => void) | null = null;

  const life = new ExchangeLifecycle(init, {
    bytes: () => ({ request: sink?.bytes ?? earlyBytes, response: pump?.bytes ?? 0 }),
    release: () => {
      // An exchange that ends before its body did still shows what came.
      showCollected();
      collected = null;
      pump?.stop();
      sink?.close();
    },
    abort: () => {
      early = null;
      collected = null;
      body?.destroy();
      held?.destroy();
      abortRequest?.(new Error('exchange ended'));
    },
  });

  const responseSource = {
    pause() {}, // onData's return value pauses undici's parser
    resume() {
      resumeResponse?.();
    },
  };

  const handler: Dispatcher.DispatchHandler = {
    onConnect(abort) {
      abortRequest = abort;
      if (life.done) abort(new Error('exchange ended'));
    },
    onHeaders(status, rawHeaders, resume, statusText) {
      if (status < 200) return true; // 100 Continue, 103 Early Hints: not the response
      if (life.done) return false;
      resumeResponse = resume;
      life.respond(status, reasonPhrase(statusText), stripHopByHop(latin1(rawHeaders)));
      pump = new BodyPump({
        source: responseSource,
        writer,
        stream,
        direction: 'response',
        window: init.window,
        onEnd: () => life.finish(null),
      });
      return !pump.paused;
    },
    onData(chunk) {
      if (!pump || life.done) return false;
      init.observer?.responseBody?.(init.id, chunk);
      pump.push(chunk);
      return !pump.paused;
    },
    onComplete() {
      pump?.end();
    },
    onError(error: NodeJS.ErrnoException) {
      if (life.done) return;
      if (pump) return life.fail('E_LOCAL_ERROR', `${target.host} broke off its response`);
      if (error.code === 'UND_ERR_INVALID_ARG') {
        // undici refused the request itself (e.g. two Host headers): the caller's fault, not the server's.
        return life.fail('E_BAD_REQUEST', `hookline cannot forward this request: ${error.message}`);
      }
      const problem = describeLocalError(error, target);
      life.fail(problem.code, problem.message);
    },
  };

  /** `headers`: the request's own, replaced (a re-signed delivery), before the forwarding rules apply. */
  const dispatch = (requestBody: Buffer | PassThrough | null, headers?: string[] | null): void => {
    const options: Dispatcher.DispatchOptions & { servername?: string | undefined } = {
      method: head.method,
      path: init.forwardPath ?? head.target,
      headers: requestHeaders(headers ? { ...init, head: { ...head, headers } } : init),
      body: requestBody,
      // undici's Request reads this (lib/core/request.js) though its types leave it out;
      // the local-target test counts TLS handshakes to catch a change.
      servername: serverName(target),
      // The lifecycle's own timer answers 504; a streaming response may idle for long.
      headersTimeout: 0,
      bodyTimeout: 0,
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      life.fail('E_BAD_REQUEST', `hookline cannot forward this request: ${(error as Error).message}`);
    }
  };

  /** After the message that carried the head: send what has arrived, as one buffer or a stream. */
  const dispatchWithBody = (): void => {
    const chunks = early;
    if (chunks === null || life.done) return;
    early = null;
    if (collected) {
      showCollected();
      chunks.push(collected.subarray(0, earlyBytes));
    }
    collected = null;
    if (earlyEnded) {
      dispatch(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, earlyBytes));
      return;
    }
    body = new PassThrough();
    body.on('error', () => {}); // undici reports the failure through onError
    sink = new BodySink({ destination: body, writer, stream, window: init.window });
    for (const chunk of chunks) sink.push(chunk);
    dispatch(body);
  };

  /** A late delivery to re-sign: every byte first (the signature covers them), then the new headers. */
  const holdToResign = (plan: LatePlan): void => {
    early = null;
    if (!head.hasBody) return dispatch(null, plan.finish(Buffer.alloc(0)));
    held = new HeldBody(plan.maxBodyBytes, plan.budget, {
      whole: (bytes) => {
        if (!life.done) dispatch(bytes, plan.finish(bytes));
      },
      overflow: (stream, why) => {
        plan.tooLarge(why);
        body = stream;
        dispatch(stream);
      },
    });
    held.on('error', () => {});
    sink = new BodySink({ destination: held, writer, stream, window: init.window });
  };

  if (init.late?.resign) holdToResign(init.late);
  else if (early === null) dispatch(null);
  else if (!collectWhole) queueMicrotask(dispatchWithBody);

  return {
    onRequestBody(chunk) {
      if (!early) {
        init.observer?.requestBody?.(init.id, chunk);
        return void sink?.push(chunk);
      }
      if (collectWhole && earlyBytes + chunk.length <= wholeLength) {
        // The whole body in one frame (most webhooks): sent as it is, at its END.
        if (earlyBytes === 0 && chunk.length === wholeLength) {
          init.observer?.requestBody?.(init.id, chunk);
          early.push(chunk);
        } else {
          if (!showWhole) init.observer?.requestBody?.(init.id, chunk);
          collected ??= Buffer.allocUnsafe(wholeLength);
          chunk.copy(collected, earlyBytes);
        }
        earlyBytes += chunk.length;
        return;
      }
      if (collected) {
        // More than declared (the relay checks lengths, so not expected): stream it all under flow control.
        showCollected();
        early.push(collected.subarray(0, earlyBytes));
        collected = null;
      }
      init.observer?.requestBody?.(init.id, chunk);
      early.push(chunk);
      earlyBytes += chunk.length;
      if (collectWhole) dispatchWithBody();
    },
    onRequestEnd() {
      if (!early) return void sink?.end();
      earlyEnded = true;
      if (collectWhole) dispatchWithBody();
    },
    onWindow(credit) {
      pump?.grant(credit);
    },
    onReset(code, message) {
      life.reset(code, message);
    },
  };
}
