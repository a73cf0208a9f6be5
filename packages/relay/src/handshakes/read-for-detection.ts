import type { IncomingMessage } from 'node:http';

/**
 * Read a small request body (exactly its declared `length`) to look at it, and
 * put it back: the bytes are unshifted onto the request, so whoever forwards or
 * queues it afterwards reads the body as if nobody had. Resolves null if the
 * request broke off first (nothing is left to forward then).
 *
 * Paused mode (`readable` + `read()`), not `data`: `pause()` would leave the
 * stream paused for good, and a later `on('data')` (the queue's reader) would
 * wait forever. Removing the `readable` listener hands the stream back in its
 * initial state, and the unshift happens before Node can emit `end`.
 */
export function readForDetection(req: IncomingMessage, length: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off('readable', onReadable);
      req.off('error', onGone);
      req.off('close', onGone);
    };
    const onGone = (): void => {
      stop();
      resolve(null);
    };
    const onReadable = (): void => {
      while (size < length) {
        const chunk = req.read() as Buffer | null;
        if (chunk === null) break;
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size < length) return;
      stop();
      const body = Buffer.concat(chunks, size);
      req.unshift(body);
      resolve(body);
    };
    req.on('readable', onReadable);
    req.once('error', onGone);
    req.once('close', onGone);
  });
}
