import { type InProcessConnection, type InProcessConnectRequest, InProcessSocket } from '@hookline/protocol';
import type { ConnectingClient } from './service-app.js';
import type { TokenVerifier } from './store/token-store.js';
import { type AdmissionDeps, CONNECT_UNAUTHORIZED_MESSAGE, nameRefusal } from './tunnel-admission.js';

export interface InProcessConnectorDeps extends AdmissionDeps {
  /** As for the WebSocket endpoint: required tokens, or a token honoured when given. */
  verifier: TokenVerifier | null;
  optionalVerifier: TokenVerifier | null;
  /** The same handshake a WebSocket gets once upgraded. */
  accept(socket: InProcessSocket, client: ConnectingClient): void;
}

/**
 * Tunnel clients in the relay's own process (the embedded relay of `hookline
 * http`) connect without a loopback WebSocket: the same admission checks as the
 * upgrade request (token, name, holder), then the same HELLO/READY handshake and
 * session over an in-process link. No auth-failure budget: a caller in this
 * process already holds the relay itself.
 */
export function createInProcessConnector(deps: InProcessConnectorDeps) {
  const links = new Set<InProcessSocket>();
  let closed = false;
  return {
    async connect(request: InProcessConnectRequest): Promise<InProcessConnection> {
      if (closed) return { ok: false, code: 'E_RELAY_SHUTDOWN', message: 'the relay is shutting down' };
      const verifier = deps.verifier ?? (request.token !== undefined ? deps.optionalVerifier : null);
      const owner = verifier ? verifier.verify(request.token) : null;
      if (verifier && owner === null) {
        return { ok: false, code: 'E_UNAUTHORIZED', message: CONNECT_UNAUTHORIZED_MESSAGE };
      }
      const takeover = request.takeover === true;
      const refused = await nameRefusal(deps, {
        name: request.name?.toLowerCase(),
        clientId: request.clientId,
        owner,
        takeover,
      });
      if (refused) return { ok: false, ...refused };
      if (closed) return { ok: false, code: 'E_RELAY_SHUTDOWN', message: 'the relay is shutting down' };
      const { relayEnd, clientEnd } = InProcessSocket.pair();
      links.add(relayEnd);
      relayEnd.once('close', () => links.delete(relayEnd));
      deps.accept(relayEnd, { owner, remoteAddress: '127.0.0.1', takeover });
      return { ok: true, socket: clientEnd };
    },
    /** Drop every link (the relay stops). */
    closeAll(): void {
      closed = true;
      for (const link of links) link.terminate();
    },
  };
}
