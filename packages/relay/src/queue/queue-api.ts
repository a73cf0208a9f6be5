import { ERROR_STATUS, type ErrorCode } from '@hookline/protocol';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_HEADER } from '../public-error.js';
import type { ReservationStore } from '../store/reservations.js';
import { type TokenGateResult, UNAUTHORIZED_MESSAGE } from '../token-gate.js';
import type { QueueEntry } from './queue-entry.js';
import type { QueueRegistry } from './queue-registry.js';

export interface QueueApiDeps {
  /** The relay's one token check (abuse limits included); `accept` adds a condition such as ownership. */
  authenticate(c: Context, accept?: (owner: string) => boolean): Promise<TokenGateResult>;
  reservations: ReservationStore;
  queues: QueueRegistry;
}

function entryView(entry: QueueEntry) {
  return {
    id: entry.id,
    seq: entry.seq,
    state: entry.state,
    attempts: entry.attempts,
    receivedAt: new Date(entry.receivedAt).toISOString(),
    // null: failed (no more tries), or due now (0: never scheduled); never 1970-01-01.
    nextAttemptAt:
      Number.isFinite(entry.nextAttemptAt) && entry.nextAttemptAt > 0
        ? new Date(entry.nextAttemptAt).toISOString()
        : null,
    lastStatus: entry.lastStatus,
    lastError: entry.lastError,
    method: entry.head.method,
    target: entry.head.target,
    bodySize: entry.bodySize,
  };
}

/** Every refusal of this API: the code's own status (errors.ts), the code in the header and the body. */
function refuse(c: Context, code: ErrorCode, message: string) {
  c.header(ERROR_HEADER, code);
  return c.json({ error: { code, message } }, ERROR_STATUS[code] as ContentfulStatusCode);
}

/** 429 while the caller is over its failed-check budget; else 401, the same for a bad token and a name not owned. */
function refuseAuth(c: Context, result: TokenGateResult & { ok: false }) {
  if (!result.refusal) return refuse(c, 'E_UNAUTHORIZED', UNAUTHORIZED_MESSAGE);
  c.header('retry-after', String(result.refusal.retryAfterSeconds));
  return refuse(c, result.refusal.code, result.refusal.message);
}

/**
 * `/_hookline/api/queues/:name…`: list, retry and drop queued webhooks. Only the
 * token that owns the name may see or change its queue.
 */
export function mountQueueApi(app: Hono, deps: QueueApiDeps): void {
  /** The token must own the name: a name that is missing or someone else's answers like a bad token. */
  const owns = (c: Context) => (owner: string) => deps.reservations.get(c.req.param('name') ?? '')?.owner === owner;

  const authorize = async (c: Context) => {
    const auth = await deps.authenticate(c, owns(c));
    if (!auth.ok) return { error: refuseAuth(c, auth) } as const;
    const name = c.req.param('name') ?? '';
    const reservation = deps.reservations.get(name);
    if (!reservation || !deps.queues.enabled) {
      return { error: refuse(c, 'E_TUNNEL_NOT_FOUND', `no queue: this relay keeps no data dir`) } as const;
    }
    return { tunnel: await deps.queues.get(name), mode: reservation.queue } as const;
  };

  // The owner frees a name it no longer wants (nobody else can).
  app.delete('/_hookline/api/names/:name', async (c) => {
    const auth = await deps.authenticate(c, owns(c));
    if (!auth.ok) return refuseAuth(c, auth);
    const { owner } = auth;
    const name = c.req.param('name');
    if (deps.queues.hasBacklog(name)) {
      return refuse(c, 'E_QUEUE_NOT_EMPTY', `"${name}" still has queued webhooks: drop them first`);
    }
    await deps.reservations.release(name, owner);
    return c.json({ released: name });
  });

  app.get('/_hookline/api/queues/:name', async (c) => {
    const auth = await authorize(c);
    if ('error' in auth) return auth.error;
    // In a cluster another node may have stored or delivered meanwhile.
    await auth.tunnel.queue.sync();
    const entries = auth.tunnel.queue.entries().map(entryView);
    return c.json({ name: c.req.param('name'), mode: auth.mode, entries });
  });

  app.post('/_hookline/api/queues/:name/retry', async (c) => {
    const auth = await authorize(c);
    if ('error' in auth) return auth.error;
    const body = (await c.req.json().catch(() => ({}))) as { id?: unknown; failed?: unknown; all?: unknown };
    const { queue, dispatcher } = auth.tunnel;
    await queue.sync();
    // `all`: failed ones and those waiting out a backoff, each with a fresh set of tries, now.
    const bulk = body.all === true || body.failed === true;
    const ids = bulk
      ? queue
          .entries()
          .filter((entry) => body.all === true || entry.state === 'failed')
          .map((entry) => entry.id)
      : typeof body.id === 'string'
        ? [body.id]
        : [];
    if (ids.length === 0 && !bulk) {
      return refuse(c, 'E_BAD_REQUEST', 'give {"id": "<delivery id>"}, {"failed": true} or {"all": true}');
    }
    const retried: string[] = [];
    for (const id of ids) if (await queue.retry(id)) retried.push(id);
    if (typeof body.id === 'string' && retried.length === 0) {
      return refuse(c, 'E_DELIVERY_NOT_FOUND', `no retryable delivery ${body.id}`);
    }
    dispatcher.kick();
    await deps.queues.changed(c.req.param('name') ?? '');
    return c.json({ retried });
  });

  app.delete('/_hookline/api/queues/:name/entries/:id', async (c) => {
    const auth = await authorize(c);
    if ('error' in auth) return auth.error;
    await auth.tunnel.queue.sync();
    const dropped = await auth.tunnel.queue.drop(c.req.param('id'));
    if (!dropped) return refuse(c, 'E_DELIVERY_NOT_FOUND', `no delivery ${c.req.param('id')}`);
    auth.tunnel.dispatcher.kick();
    await deps.queues.changed(c.req.param('name'));
    return c.json({ dropped: c.req.param('id') });
  });
}
