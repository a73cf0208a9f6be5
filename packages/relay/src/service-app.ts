import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { upgradeWebSocket } from '@hono/node-server';
import type { ErrorCode } from '@hookline/protocol';
import { ERROR_STATUS } from '@hookline/protocol';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { WebSocket } from 'ws';
import { AuthGuard, type AuthRefusal } from './auth-guard.js';
import type { FailureStore } from './failure-store.js';
import { ERROR_HEADER } from './public-error.js';
import { mountQueueApi } from './queue/queue-api.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import { createTokenVerifier, type TokenVerifier } from './store/token-store.js';
import { bearerToken } from './token-auth.js';
import { gateToken } from './token-gate.js';
import { callerAddress } from './tunnel-access.js';
import { type AdmissionDeps, CONNECT_UNAUTHORIZED_MESSAGE, nameRefusal } from './tunnel-admission.js';

export interface ServiceAppDeps extends AdmissionDeps {
  /** Token check; null on an open relay (then tunnels carry no owner). */
  verifier: TokenVerifier | null;
  /** Open relay with a data dir: a token, when one is given, is checked and makes its holder the owner. */
  optionalVerifier?: TokenVerifier | null;
  queues: QueueRegistry;
  /** Called with the raw ws socket once a tunnel client is connected. */
  onTunnelSocket(socket: WebSocket, client: ConnectingClient): void;
  stats(): { tunnels: number };
  /** Failure budgets shared by a cluster's nodes; this process's memory when absent. */
  failureStore?: FailureStore | undefined;
  /** Whether the relay's store is usable (readyz). */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

/** What the upgrade request established about a connecting tunnel client. */
export interface ConnectingClient {
  /** Token id the upgrade request authenticated with, or null on an open relay. */
  owner: string | null;
  /** Caller address with `trustProxy` applied. */
  remoteAddress: string;
  /** `--takeover`: replace a live client of the same name and token. */
  takeover: boolean;
}

type Env = { Bindings: HttpBindings; Variables: { owner: string | null } };

/** A refusal the ws client can read before any WebSocket exists: status + code + message headers. */
function refusal(code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message} (${code})\n`, {
    status: ERROR_STATUS[code],
    headers: { ...headers, [ERROR_HEADER]: code, 'hookline-error-message': encodeURIComponent(message) },
  });
}

function rateLimited(limit: AuthRefusal): Response {
  return refusal(limit.code, limit.message, { 'retry-after': String(limit.retryAfterSeconds) });
}

/**
 * The relay's own routes under `/_hookline/` (hono): health, the tunnel
 * endpoint. Tunnel traffic never comes here; the ingress dispatcher takes it first.
 */
export function createServiceApp(deps: ServiceAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  // Guessing tokens costs a guesser its address's budget, not the relay its CPU (auth-guard.ts).
  const guard = new AuthGuard({
    perAddressPerMinute: deps.options.authFailuresPerMinute,
    totalPerMinute: deps.options.authFailuresPerMinuteTotal,
    trustProxy: deps.options.trustProxy,
    ...(deps.failureStore ? { store: deps.failureStore } : {}),
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
        const gate = await gateToken(guard, verifier, c.env.incoming);
        if (!gate.ok && gate.refusal) return rateLimited(gate.refusal);
        if (!gate.ok) return refusal('E_UNAUTHORIZED', CONNECT_UNAUTHORIZED_MESSAGE);
        owner = gate.owner;
      }
      const refused = await nameRefusal(deps, {
        name: c.req.query('name')?.toLowerCase(),
        clientId: c.req.query('client') ?? '',
        owner,
        takeover: c.req.query('takeover') === '1',
      });
      if (refused) return refusal(refused.code, refused.message);
      c.set('owner', owner);
      await next();
    },
    upgradeWebSocket((c) => {
      const owner = c.get('owner');
      const remoteAddress = callerAddress(c.env.incoming, deps.options.trustProxy);
      const takeover = c.req.query('takeover') === '1';
      return {
        onOpen(_event, ws) {
          deps.onTunnelSocket(ws.raw as WebSocket, { owner, remoteAddress, takeover });
        },
      };
    }),
  );

  // The queue API needs tokens even on an open relay: queues only exist for token-owned names.
  const apiVerifier = deps.verifier ?? deps.optionalVerifier ?? createTokenVerifier({ dataDir: deps.options.dataDir });
  mountQueueApi(app as unknown as Hono, {
    authenticate: (c, accept) => gateToken(guard, apiVerifier, c.env.incoming as IncomingMessage, accept),
    reservations: deps.reservations,
    queues: deps.queues,
  });

  deps.options.observer.routes?.(app as unknown as Hono, guard);

  app.all('/_hookline/connect', (c) => c.text('this endpoint expects a WebSocket upgrade\n', 426));

  app.get('/', (c) =>
    c.text('hookline relay. Tunnels live at /t/<name>/… — run `hookline http <port>` to open one.\n'),
  );

  app.notFound((c) => {
    c.header(ERROR_HEADER, 'E_TUNNEL_NOT_FOUND');
    return c.text('Not found. Tunnels live at /t/<name>/… (E_TUNNEL_NOT_FOUND)\n', 404);
  });

  app.onError((error, c) => {
    // A refusal a middleware built (hono's bearerAuth on an observer's route) is an answer, not a failure.
    if (error instanceof HTTPException) return error.getResponse();
    deps.options.logger.error({ err: error }, 'service route failed');
    c.header(ERROR_HEADER, 'E_INTERNAL');
    return c.text('internal relay error (E_INTERNAL)\n', 500);
  });

  return app;
}
