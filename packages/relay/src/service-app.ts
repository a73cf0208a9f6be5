import type { HttpBindings } from '@hono/node-server';
import { upgradeWebSocket } from '@hono/node-server';
import type { ErrorCode } from '@hookline/protocol';
import { ERROR_STATUS } from '@hookline/protocol';
import { Hono } from 'hono';
import type { WebSocket } from 'ws';
import { tunnelNameProblem } from './names.js';
import type { ResolvedRelayOptions } from './options.js';
import { ERROR_HEADER } from './public-error.js';
import { mountQueueApi } from './queue/queue-api.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import { RateLimiter } from './rate-limiter.js';
import { mayReplace } from './registry.js';
import type { ReservationStore } from './store/reservations.js';
import { createTokenVerifier, type TokenVerifier } from './store/token-store.js';
import { bearerToken } from './token-auth.js';

export interface ServiceAppDeps {
  options: ResolvedRelayOptions;
  /** Token check; null on an open relay (then tunnels carry no owner). */
  verifier: TokenVerifier | null;
  /** Open relay with a data dir: a token, when one is given, is checked and makes its holder the owner. */
  optionalVerifier?: TokenVerifier | null;
  reservations: ReservationStore;
  queues: QueueRegistry;
  /** Called with the raw ws socket once a tunnel client is connected. */
  onTunnelSocket(socket: WebSocket, owner: string | null, remoteAddress: string): void;
  stats(): { tunnels: number };
  /** Whether the relay's store is usable (readyz). */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

type Env = { Bindings: HttpBindings; Variables: { owner: string | null } };

/** A refusal the ws client can read before any WebSocket exists: status + code + message headers. */
function refusal(code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message} (${code})\n`, {
    status: ERROR_STATUS[code],
    headers: { ...headers, [ERROR_HEADER]: code, 'hookline-error-message': encodeURIComponent(message) },
  });
}

/**
 * The relay's own routes under `/_hookline/` (hono): health, the tunnel
 * endpoint. Tunnel traffic never comes here; the ingress dispatcher takes it first.
 */
export function createServiceApp(deps: ServiceAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  // Guessing tokens costs a guesser its address's budget, not the relay its CPU.
  const authFailures = new RateLimiter({
    ratePerSecond: deps.options.authFailuresPerMinute / 60,
    burst: deps.options.authFailuresPerMinute,
  });

  app.get('/_hookline/healthz', (c) => c.json({ status: 'ok', tunnels: deps.stats().tunnels }));
  app.get('/_hookline/readyz', async (c) => {
    const { ok, checks } = await deps.ready();
    return c.json({ status: ok ? 'ready' : 'not ready', checks }, ok ? 200 : 503);
  });

  app.get(
    '/_hookline/connect',
    async (c, next) => {
      // Refuse before the upgrade: a bad token or name never costs a WebSocket.
      let owner: string | null = null;
      const given = bearerToken(c.req.header('authorization'));
      const verifier = deps.verifier ?? (given !== undefined ? deps.optionalVerifier : null);
      if (verifier) {
        const address = c.env.incoming.socket.remoteAddress ?? '';
        const wait = authFailures.blocked(address);
        if (wait > 0) {
          return refusal('E_RATE_LIMITED', `too many failed token checks; retry in ${wait} s`, {
            'retry-after': String(wait),
          });
        }
        owner = verifier.verify(given);
        if (owner === null) {
          authFailures.take(address);
          return refusal('E_UNAUTHORIZED', 'missing or invalid token (Authorization: Bearer …)');
        }
      }
      const name = c.req.query('name');
      if (name !== undefined) {
        const problem = tunnelNameProblem(name.toLowerCase());
        if (problem) return refusal('E_NAME_INVALID', problem);
        const holder = await deps.options.registry.holderOf(name.toLowerCase());
        const clientId = c.req.query('client');
        const reserved = deps.reservations.get(name.toLowerCase());
        if (reserved && reserved.owner !== owner) {
          return refusal('E_NAME_TAKEN', `tunnel name "${name}" belongs to another token`);
        }
        if (holder && !mayReplace(holder, { sessionId: '', clientId: clientId ?? '', owner })) {
          return refusal('E_NAME_TAKEN', `tunnel name "${name}" is in use by another client`);
        }
      }
      c.set('owner', owner);
      await next();
    },
    upgradeWebSocket((c) => {
      const owner = c.get('owner');
      const remoteAddress = c.env.incoming.socket.remoteAddress ?? '';
      return {
        onOpen(_event, ws) {
          deps.onTunnelSocket(ws.raw as WebSocket, owner, remoteAddress);
        },
      };
    }),
  );

  // The queue API needs tokens even on an open relay: queues only exist for token-owned names.
  mountQueueApi(app as unknown as Hono, {
    verifier: deps.verifier ?? deps.optionalVerifier ?? createTokenVerifier({ dataDir: deps.options.dataDir }),
    reservations: deps.reservations,
    queues: deps.queues,
  });

  deps.options.observer.routes?.(app as unknown as Hono);

  app.all('/_hookline/connect', (c) => c.text('this endpoint expects a WebSocket upgrade\n', 426));

  app.get('/', (c) =>
    c.text('hookline relay. Tunnels live at /t/<name>/… — run `hookline http <port>` to open one.\n'),
  );

  app.notFound((c) => {
    c.header(ERROR_HEADER, 'E_TUNNEL_NOT_FOUND');
    return c.text('Not found. Tunnels live at /t/<name>/… (E_TUNNEL_NOT_FOUND)\n', 404);
  });

  app.onError((error, c) => {
    deps.options.logger.error({ err: error }, 'service route failed');
    c.header(ERROR_HEADER, 'E_INTERNAL');
    return c.text('internal relay error (E_INTERNAL)\n', 500);
  });

  return app;
}
