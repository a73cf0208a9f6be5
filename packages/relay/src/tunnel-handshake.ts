import {
  type ErrorCode,
  FrameType,
  FrameWriter,
  type Hello,
  PROTOCOL_VERSION,
  readMessage,
  SUPPORTED_VERSIONS,
  type TunnelMessage,
  type TunnelSocket,
} from '@hookline/protocol';
import type { ClusterNode } from './cluster-node.js';
import { type DeclaredAnswersTable, declarationProblem } from './declared-answers.js';
import { randomTunnelName, tunnelNameProblem } from './names.js';
import type { ResolvedRelayOptions } from './options.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import { nameInUseMessage, type TunnelRegistry, takenOverMessage } from './registry.js';
import type { SessionTable } from './session-table.js';
import type { QueueMode, ReservationStore } from './store/reservations.js';
import { type AccessPolicy, cidrProblem, hashBasicAuth } from './tunnel-access.js';
import { TunnelSession } from './tunnel-session.js';

export interface HandshakeContext {
  options: ResolvedRelayOptions;
  sessions: SessionTable;
  reservations: ReservationStore;
  registry: TunnelRegistry;
  queues: QueueRegistry;
  cluster: ClusterNode | null;
  /** What tunnels declared for the relay to answer itself (handshakes, offline response). */
  answers: DeclaredAnswersTable;
  /** Token id the upgrade request authenticated with, or null on an open relay. */
  owner: string | null;
  /** Caller address with `trustProxy` applied. */
  remoteAddress: string;
  /** The client asked to replace a live client of the same name and token (`--takeover`). */
  takeover: boolean;
  urlsFor(name: string): string[];
}

/** Refuse a session before it starts: one ERROR frame saying why, then close. */
function refuse(socket: TunnelSocket, code: ErrorCode, message: string, wsCode: number): void {
  const writer = new FrameWriter(socket);
  writer.write({ type: FrameType.ERROR, stream: 0, message: { code, message } });
  writer.flush();
  socket.close(wsCode, code);
}

/**
 * Wait for the client's HELLO, agree on a version, claim the name and answer
 * READY. Until then nothing else is accepted on the socket.
 */
export function acceptTunnelSocket(socket: TunnelSocket, context: HandshakeContext): void {
  const { options } = context;
  const timer = setTimeout(
    () => refuse(socket, 'E_PROTOCOL', 'no HELLO received in time', 1002),
    options.helloTimeoutMs,
  );
  socket.once('close', () => clearTimeout(timer));
  socket.on('error', () => {});
  socket.once('message', (data: TunnelMessage, isBinary: boolean) => {
    clearTimeout(timer);
    const decoded = isBinary ? readMessage(data) : null;
    const first = decoded?.ok ? decoded.frames[0] : undefined;
    if (!first || first.type !== FrameType.HELLO || decoded?.ok !== true || decoded.frames.length !== 1) {
      const reason = decoded && !decoded.ok ? decoded.error.message : 'the first message must be a lone HELLO frame';
      refuse(socket, 'E_PROTOCOL', reason, 1002);
      return;
    }
    void startSession(socket, first.message, context).catch((error: unknown) => {
      options.logger.error({ err: error }, 'tunnel handshake failed');
      refuse(socket, 'E_INTERNAL', 'the relay could not start the session', 1011);
    });
  });
}

async function startSession(socket: TunnelSocket, hello: Hello, context: HandshakeContext): Promise<void> {
  const { options, sessions, registry, owner } = context;
  const version = hello.versions.filter((v) => SUPPORTED_VERSIONS.includes(v)).sort((a, b) => b - a)[0];
  if (version === undefined) {
    refuse(socket, 'E_VERSION', `this relay speaks protocol ${SUPPORTED_VERSIONS.join(', ')}; upgrade hookline`, 1002);
    return;
  }
  const requested = hello.name?.toLowerCase();
  const problem = requested === undefined ? null : tunnelNameProblem(requested);
  if (problem) {
    refuse(socket, 'E_NAME_INVALID', problem, 4400);
    return;
  }
  const access = accessPolicy(hello);
  if (typeof access === 'string') {
    refuse(socket, 'E_BAD_REQUEST', access, 4400);
    return;
  }
  const undeclarable = declarationProblem(hello);
  if (undeclarable) {
    refuse(socket, 'E_BAD_REQUEST', undeclarable, 4400);
    return;
  }
  const refusal = checkLimits(requested, context) ?? (await checkReservation(hello, requested, access, context));
  if (refusal) {
    refuse(socket, refusal.code, refusal.message, refusal.code === 'E_NAME_TAKEN' ? 4409 : 4400);
    return;
  }
  const name = requested ?? randomTunnelName();
  const session = new TunnelSession({
    socket,
    name,
    clientId: hello.clientId,
    owner,
    access,
    maxStreams: options.maxStreamsPerTunnel,
    window: options.streamWindow,
    onClosed: (closed) => {
      if (sessions.delete(closed)) {
        void registry.release(closed.name, closed.id);
        // Kept for a reserved name (answered while the client is away), else dropped with its session.
        if (!context.reservations.get(closed.name)) context.answers.forget(closed.name);
      }
      options.logger.info({ tunnel: closed.name, session: closed.id }, 'tunnel offline');
      options.observer.tunnelOffline?.({ tunnel: closed.name, session: closed.id });
    },
  });
  const holder = {
    sessionId: session.id,
    clientId: hello.clientId,
    owner,
    remoteAddress: context.remoteAddress,
    since: Date.now(),
  };
  const claim = await registry.claim(name, holder, context.takeover);
  if (!claim.ok) {
    session.close('E_NAME_IN_USE', nameInUseMessage(name, claim.holder), 4409);
    return;
  }
  if (socket.readyState !== socket.OPEN) {
    await registry.release(name, session.id);
    return;
  }
  // A reconnect from the same client replaces its half-dead session at once; another
  // client only with --takeover, and the one it replaces stops instead of reconnecting.
  const takenOver = claim.replaced !== null && claim.replaced.clientId !== hello.clientId;
  if (claim.replaced) {
    options.logger.warn(
      { tunnel: name, replaced: claim.replaced.sessionId, takeover: takenOver, remote: context.remoteAddress },
      'tunnel session replaced',
    );
  }
  const previous = sessions.get(name);
  if (takenOver) previous?.close('E_NAME_IN_USE', takenOverMessage(name, context.remoteAddress), 4409);
  else previous?.close('E_TUNNEL_CLOSED', 'replaced by a newer connection of the same client', 4000);
  sessions.set(session);
  context.answers.declare(name, owner, hello);
  await context.cluster?.claimed(session, claim, takenOver ? takenOverMessage(name, context.remoteAddress) : null);
  session.writer.write({
    type: FrameType.READY,
    stream: 0,
    message: {
      version: version ?? PROTOCOL_VERSION,
      sessionId: session.id,
      name,
      urls: context.urlsFor(name),
      window: options.streamWindow,
      heartbeatMs: options.heartbeatIntervalMs,
    },
  });
  // READY in a message of its own: earlier clients read only the first frame of the
  // handshake message, and a queued delivery may follow at once.
  session.writer.flush();
  options.logger.info({ tunnel: name, session: session.id, remote: context.remoteAddress }, 'tunnel online');
  options.observer.tunnelOnline?.({ tunnel: name, session: session.id, owner, remote: context.remoteAddress });
  if (context.reservations.get(name)?.queue && context.queues.enabled) await context.queues.get(name);
  // Catch up with what was stored meanwhile (other nodes too), then deliver: what
  // waited out a backoff while the client was away is due now.
  await context.queues.online(name);
}

/**
 * Names owned by tokens: a token reserves the names it uses (they outlive the
 * session); nobody else may take them. A queue needs a token and a name.
 */
/** The tunnel's public-URL protection from HELLO, or why it is unusable. */
function accessPolicy(hello: Hello): AccessPolicy | undefined | string {
  if (!hello.access) return undefined;
  const { basicAuth, allowCidr, forwardAuth } = hello.access;
  if (allowCidr) {
    const problem = cidrProblem(allowCidr);
    if (problem) return problem;
  }
  return {
    ...(basicAuth ? { basicAuthHash: hashBasicAuth(basicAuth) } : {}),
    ...(allowCidr ? { allowCidr } : {}),
    ...(basicAuth && forwardAuth ? { forwardAuth: true } : {}),
  };
}

type Refusal = { code: ErrorCode; message: string };

/** Per-token tunnel count, and names on an open relay. */
function checkLimits(requested: string | undefined, { owner, options, sessions }: HandshakeContext): Refusal | null {
  if (owner === null && requested !== undefined && !options.allowAnonymousNames) {
    return {
      code: 'E_UNAUTHORIZED',
      message: 'this open relay hands out random names only; use a token to choose one',
    };
  }
  if (owner === null) return null;
  let live = 0;
  for (const session of sessions.values()) if (session.owner === owner && session.name !== requested) live += 1;
  if (live >= options.maxTunnelsPerToken) {
    return { code: 'E_TOO_MANY_TUNNELS', message: `this token already holds ${live} tunnels (the limit)` };
  }
  return null;
}

async function checkReservation(
  hello: Hello,
  requested: string | undefined,
  access: AccessPolicy | undefined,
  { owner, reservations, queues, options }: HandshakeContext,
): Promise<Refusal | null> {
  const queue = (hello.queue ?? null) as QueueMode | null;
  if (queue && owner === null) {
    return { code: 'E_UNAUTHORIZED', message: 'an offline queue needs a token-owned name: connect with a token' };
  }
  if (queue && requested === undefined) {
    return { code: 'E_NAME_INVALID', message: 'an offline queue needs a tunnel name (--name)' };
  }
  if (queue && !queues.enabled) {
    return {
      code: 'E_BAD_REQUEST',
      message: 'this relay cannot queue webhooks: it keeps no data directory',
    };
  }
  if (requested === undefined) return null;
  if (owner === null) {
    return reservations.get(requested)
      ? { code: 'E_NAME_TAKEN', message: `tunnel name "${requested}" is reserved by a token` }
      : null;
  }
  const current = reservations.get(requested);
  if (current === undefined) {
    const held = reservations.list(owner).length;
    if (held >= options.maxNamesPerToken) {
      return {
        code: 'E_TOO_MANY_NAMES',
        message: `this token already reserved ${held} names (the limit); free one with: hookline name release <name>`,
      };
    }
  }
  const reserved = await reservations.reserve(requested, owner, queue, access);
  return reserved.ok ? null : { code: 'E_NAME_TAKEN', message: `tunnel name "${requested}" belongs to another token` };
}
