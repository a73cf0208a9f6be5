import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Destination } from './find-tunnel.js';
import { ERROR_HEADER } from './public-error.js';
import type { ExchangeRecord } from './relay-observer.js';

/**
 * Readiness: with a data dir, the directory must be writable (tokens, names) and
 * the queue database must be able to commit (a full disk fails this even while
 * nothing is being stored: the store proves it with a tiny write).
 */
export async function readiness(
  dataDir: string | undefined,
  storeHealth: () => Promise<{ ok: boolean; problem: string | null } | null>,
): Promise<{ ok: boolean; checks: Record<string, string> }> {
  if (!dataDir) return { ok: true, checks: { store: 'memory' } };
  try {
    await access(dataDir, constants.W_OK);
  } catch (error) {
    return { ok: false, checks: { store: `data dir not writable: ${(error as NodeJS.ErrnoException).code}` } };
  }
  const store = await storeHealth();
  if (store && !store.ok) return { ok: false, checks: { store: store.problem ?? 'the store cannot write' } };
  return { ok: true, checks: { store: 'ok' } };
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
