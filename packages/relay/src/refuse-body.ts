import type { IncomingMessage, ServerResponse } from 'node:http';

/** How much of a refused body the relay still reads and drops, and for how long. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 5_000;

/**
 * Call before answering a request whose body the relay will not take (413): read
 * and drop what the caller is still sending, then close. Closing with the body
 * unread makes the kernel reset the connection while the caller is still writing,
 * and the reset can throw the 413 away before the caller reads it (nginx's
 * lingering close exists for the same reason). Past 64 MiB or 5 s the connection
 * is cut anyway, so a refused body cannot hold it open.
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse): void {
  const { socket } = req;
  // Not a "last" response even if the caller asked for close: Node ends those with
  // destroySoon(), both directions as soon as the answer is written. close() below
  // ends the connection once the body is drained instead.
  res.shouldKeepAlive = true;
  const close = () => {
    clearTimeout(timer);
    if (res.writableFinished) socket.end();
    else res.once('finish', () => socket.end());
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
  req.once('end', close);
  req.once('error', cut);
  socket.once('close', () => clearTimeout(timer));
  if (req.complete) close();
  req.resume();
}
