import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Destination } from './find-tunnel.js';
import { ERROR_HEADER } from './public-error.js';
import type { ExchangeRecord } from './relay-observer.js';

/** Readiness: the data dir (tokens, names, queues) must be writable when there is one. */
export async function readiness(dataDir: string | undefined): Promise<{ ok: boolean; checks: Record<string, string> }> {
  if (!dataDir) return { ok: true, checks: { store: 'memory' } };
  try {
    await access(dataDir, constants.W_OK);
    return { ok: true, checks: { store: 'ok' } };
  } catch (error) {
    return { ok: false, checks: { store: `data dir not writable: ${(error as NodeJS.ErrnoException).code}` } };
  }
}

/** Report one routed exchange to the observer when its response is over. */
export function observeExchange(
  req: IncomingMessage,
  res: ServerResponse,
  found: Destination,
  report: (record: ExchangeRecord) => void,
): void {
  const started = performance.now();
  const socket = req.socket;
  const readAtStart = socket.bytesRead;
  const writtenAtStart = socket.bytesWritten;
  const header = req.headers['x-request-id'];
  const requestId = typeof header === 'string' && header.length <= 128 ? header : randomUUID();
  res.once('close', () => {
    const code = res.getHeader(ERROR_HEADER);
    report({
      requestId,
      tunnel:
        found.kind === 'tunnel' || found.kind === 'queued'
          ? found.route.name
          : found.kind === 'error'
            ? (found.name ?? '')
            : '',
      method: req.method ?? '',
      status: res.statusCode,
      code: typeof code === 'string' ? code : null,
      durationMs: performance.now() - started,
      bytesIn: socket.bytesRead - readAtStart,
      bytesOut: socket.bytesWritten - writtenAtStart,
      queued: found.kind === 'queued',
    });
  });
}
