import type { IncomingMessage, ServerResponse } from 'node:http';
import { FrameType, type HandshakeKind, type RelayAnswer } from '@hookline/protocol';
import type { DeclaredAnswers, DeclaredAnswersTable } from './declared-answers.js';
import type { PublicDestination } from './find-tunnel.js';
import type { HandshakeAnswer, HandshakeProvider, HandshakeVerdict } from './handshakes/handshake.js';
import { MAX_HANDSHAKE_BODY_BYTES } from './handshakes/handshake.js';
import { HANDSHAKE_PROVIDERS } from './handshakes/providers.js';
import { readForDetection } from './handshakes/read-for-detection.js';
import { requestHead } from './http-exchange.js';
import { offerOfflineResponse } from './offline-response.js';
import type { RelayLogger } from './options.js';
import { sendPublicError } from './public-error.js';
import type { TunnelRoute } from './routing.js';
import type { SessionTable } from './session-table.js';
import type { ReservationStore } from './store/reservations.js';

/** Marks an answer the relay gave itself for a declared handshake. */
export const HANDSHAKE_HEADER = 'hookline-handshake';
/** The RELAY_ANSWER frame is JSON-bounded: past this, its copy of the request is left out. */
const MAX_NOTICE_BYTES = 200 * 1024;

export interface RelayAnswererDeps {
  declarations: DeclaredAnswersTable;
  reservations: ReservationStore;
  sessions: SessionTable;
  logger: RelayLogger;
}

/** The tunnel a destination is for, when the relay may answer for it: live, queued or offline. */
function tunnelOf(found: PublicDestination): { name: string; route?: TunnelRoute; offline: boolean } | null {
  switch (found.kind) {
    case 'tunnel':
      return { name: found.route.name, route: found.route, offline: false };
    case 'queued':
      return { name: found.route.name, route: found.route, offline: true };
    case 'error':
      return found.code === 'E_TUNNEL_OFFLINE' && found.name ? { name: found.name, offline: true } : null;
  }
}

/**
 * What the relay answers by itself for a tunnel that declared it (issue 18):
 * the providers' handshakes, online or not, and, when the tunnel is offline
 * (or queued), its declared offline response in place of 503 / 202. Runs after
 * `findTunnel` (routing, access policy, rate), before the request is delivered.
 * Anything it does not answer goes on to `deliver` untouched, body included.
 */
export function createRelayAnswerer(deps: RelayAnswererDeps) {
  const { declarations, reservations, sessions, logger } = deps;

  const write = (res: ServerResponse, kind: HandshakeKind, answer: HandshakeAnswer): void => {
    res.writeHead(answer.status, {
      ...answer.headers,
      [HANDSHAKE_HEADER]: kind,
      'content-length': Buffer.byteLength(answer.body),
      'cache-control': 'no-store',
      // An echoed challenge is caller-chosen text under the tunnel's host: never let it be sniffed as HTML.
      'x-content-type-options': 'nosniff',
    });
    res.end(answer.body);
  };

  /** A connected client hears of it (its capture shows the handshake); an offline one only in the log. */
  const notify = (
    req: IncomingMessage,
    route: TunnelRoute,
    kind: HandshakeKind,
    body: Buffer,
    answer: HandshakeAnswer,
  ) => {
    const session = sessions.get(route.name);
    logger.info(
      { tunnel: route.name, handshake: kind, online: Boolean(session && !session.closed) },
      'handshake answered at the relay',
    );
    if (!session || session.closed) return;
    const head = requestHead(req, route, false);
    const response = { status: answer.status, headers: Object.entries(answer.headers).flat(), body: answer.body };
    let notice: RelayAnswer = {
      kind: 'handshake',
      handshake: kind,
      ...pickHead(head),
      body: body.toString('base64'),
      response,
    };
    if (JSON.stringify(notice).length > MAX_NOTICE_BYTES) notice = { ...notice, headers: [], body: '' };
    session.writer.write({ type: FrameType.RELAY_ANSWER, stream: 0, answer: notice });
  };

  const settle = (
    req: IncomingMessage,
    res: ServerResponse,
    route: TunnelRoute,
    candidates: HandshakeProvider[],
    declared: DeclaredAnswers,
    json: unknown,
    body: Buffer,
    deliver: () => void,
  ): void => {
    const request = {
      method: req.method ?? 'GET',
      query: new URL(route.target, 'http://x').searchParams,
      headers: req.headers,
      json,
    };
    for (const provider of candidates) {
      const verdict: HandshakeVerdict = provider.answer(request, declared.secrets);
      if (verdict === null) continue;
      if ('refuse' in verdict) return sendPublicError(res, 'E_BAD_HANDSHAKE', verdict.refuse);
      write(res, provider.kind, verdict.answer);
      notify(req, route, provider.kind, body, verdict.answer);
      return;
    }
    deliver();
  };

  return (req: IncomingMessage, res: ServerResponse, found: PublicDestination, deliver: () => void): void => {
    // Most relays hold no declaration at all: they pay one size check per request.
    if (declarations.size === 0) return deliver();
    const tunnel = tunnelOf(found);
    if (!tunnel) return deliver();
    const owner = sessions.get(tunnel.name)?.owner ?? reservations.get(tunnel.name)?.owner;
    const declared = declarations.get(tunnel.name, owner);
    if (!declared) return deliver();
    if (tunnel.offline && declared.offline) offerOfflineResponse(res, declared.offline);
    const method = req.method ?? 'GET';
    const candidates = [...declared.handshakes]
      .map((kind) => HANDSHAKE_PROVIDERS[kind])
      .filter((provider) => provider.matchesHead(method, req.headers));
    // Without a route (an offline tunnel seen only as an error) the path is the request's own.
    const route: TunnelRoute = tunnel.route ?? { name: tunnel.name, target: req.url ?? '/' };
    if (candidates.length === 0) return deliver();
    const bodyProviders = candidates.filter((provider) => provider.readsBody);
    const length = Number(req.headers['content-length'] ?? Number.NaN);
    // A body is read only when declared small and whole (Content-Length, no chunking): bounded, and put back.
    const readable =
      bodyProviders.length > 0 &&
      req.headers['transfer-encoding'] === undefined &&
      Number.isInteger(length) &&
      length > 0 &&
      length <= MAX_HANDSHAKE_BODY_BYTES;
    const headOnly = candidates.filter((provider) => !provider.readsBody);
    if (!readable) return settle(req, res, route, headOnly, declared, undefined, Buffer.alloc(0), deliver);
    void readForDetection(req, length).then((body) => {
      if (body === null) return;
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        // Not JSON after all: not a handshake; the app gets it as sent.
        json = undefined;
      }
      settle(req, res, route, candidates, declared, json, body, deliver);
    });
  };
}

function pickHead(head: ReturnType<typeof requestHead>) {
  return {
    method: head.method,
    target: head.target,
    headers: head.headers,
    remoteAddress: head.remoteAddress,
    protocol: head.protocol,
    host: head.host,
    ...(head.publicPath === undefined ? {} : { publicPath: head.publicPath }),
    receivedAt: head.receivedAt,
  };
}
