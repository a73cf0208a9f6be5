import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sendPublicError } from './public-error.js';

/** How much of a refused body the relay still reads and drops, and for how long. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 5_000;

/** Answer 413 E_BODY_TOO_LARGE to a request whose body the relay will not take. */
export function answerBodyTooLarge(req: IncomingMessage, res: ServerResponse, message: string): void {
  refuseBody(req, res);
  sendPublicError(res, 'E_BODY_TOO_LARGE', message);
}

/**
 * Call before answering a request whose body the relay will not take (413): the
 * answer says `Connection: close`, the rest of the body is read and dropped, and
 * the connection closes once it is drained. Closing with the body unread makes
 * the kernel reset the connection while the caller is still writing, and the
 * reset can throw the 413 away before the caller reads it (nginx's lingering
 * close exists for the same reason). Past 64 MiB or 5 s the connection is cut
 * anyway, so a refused body cannot hold it open.
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as Socket & { destroySoon?: () => void };
  res.shouldKeepAlive = false;
  // Node ends a "last" response with socket.destroySoon(): both directions as soon
  // as the answer is written, the body unread. Only half-close here; the drain
  // below closes the rest.
  socket.destroySoon = () => socket.end();
  const close = () => {
    clearTimeout(timer);
    if (socket.destroyed) return;
    // Nothing after the refused body is read as a request: pending output is flushed, then closed.
    socket.end();
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  };
  const cut = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(cut, DISCARD_MAX_MS);
  timer.unref();
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) cut();
  });
  req.once('error', cut);
  socket.once('close', () => clearTimeout(timer));
  if (req.complete) {
    res.once('finish', close);
  } else {
    req.once('end', () => (res.writableFinished ? close() : res.once('finish', close)));
  }
  req.resume();
}
