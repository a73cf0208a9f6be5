import type { IncomingMessage, ServerResponse } from 'node:http';
import { HooklineError } from '@hookline/protocol';
import { requestHead } from '../http-exchange.js';
import { sendPublicError } from '../public-error.js';
import { answerBodyTooLarge } from '../refuse-body.js';
import type { TunnelRoute } from '../routing.js';
import type { TunnelQueue } from './queue-registry.js';

/** Read a whole request body, or null (after answering 413) when it passes `max`. */
function readLimited(req: IncomingMessage, res: ServerResponse, max: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => {
      answerBodyTooLarge(req, res, `request body is over the ${max}-byte limit`);
      resolve(null);
    };
    if (Number(req.headers['content-length'] ?? 0) > max) return tooLarge();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return tooLarge();
      chunks.push(chunk);
    });
    req.once('end', () => resolve(size > max ? null : Buffer.concat(chunks, size)));
    req.once('error', () => resolve(null));
  });
}

/**
 * Ingress for a tunnel with an offline queue: the webhook is committed to the
 * queue database (fsync'd) before anything else happens, then delivered live if it is next in
 * line and the client is online, or answered 202 `hookline-delivery: <id>`.
 */
export async function acceptQueued(
  tunnel: TunnelQueue,
  req: IncomingMessage,
  res: ServerResponse,
  route: TunnelRoute,
  maxBodyBytes: number,
): Promise<void> {
  const body = await readLimited(req, res, maxBodyBytes);
  if (body === null) return;
  const head = { ...requestHead(req, route, false), hasBody: body.length > 0 };
  let entry: Awaited<ReturnType<typeof tunnel.queue.enqueue>>;
  try {
    entry = await tunnel.queue.enqueue(head, body);
  } catch (error) {
    if (error instanceof HooklineError && error.code === 'E_QUEUE_FULL') {
      return sendPublicError(res, 'E_QUEUE_FULL', `${error.message}; nothing was stored, retry later`, {
        'retry-after': '60',
      });
    }
    if (error instanceof HooklineError && error.code === 'E_STORE_UNAVAILABLE') {
      return sendPublicError(res, 'E_STORE_UNAVAILABLE', `the relay could not store the webhook: ${error.message}`, {
        'retry-after': '30',
      });
    }
    return sendPublicError(res, 'E_INTERNAL', 'the relay could not store the webhook; nothing was stored');
  }
  tunnel.dispatcher.offer(entry, body, res);
}
