import type { TunnelSocket } from '@hookline/protocol';
import type { ClusterNode } from './cluster-node.js';
import type { DeclaredAnswersTable } from './declared-answers.js';
import { createInProcessConnector } from './in-process-connect.js';
import type { ResolvedRelayOptions } from './options.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import type { RelayStores } from './relay-stores.js';
import type { ConnectingClient } from './service-app.js';
import type { SessionTable } from './session-table.js';
import type { AdmissionDeps } from './tunnel-admission.js';
import { acceptTunnelSocket } from './tunnel-handshake.js';

export interface TunnelConnectDeps {
  options: ResolvedRelayOptions;
  sessions: SessionTable;
  stores: RelayStores;
  queues: QueueRegistry;
  cluster: ClusterNode | null;
  /** Where a HELLO's handshakes and offline response are declared (answer-at-relay.ts). */
  answers: DeclaredAnswersTable;
  urlsFor(name: string): string[];
}

/**
 * How a tunnel client connects, by either link: the WebSocket endpoint (a hono
 * route, `service-app.ts`) and the in-process link of an embedded relay
 * (`in-process-connect.ts`) run the same admission checks (token, name, live
 * holder), then the same HELLO/READY handshake (`tunnel-handshake.ts`).
 */
export function tunnelConnect({ options, sessions, stores, queues, cluster, answers, urlsFor }: TunnelConnectDeps) {
  const admission: AdmissionDeps = {
    options,
    reservations: stores.reservations,
    registry: stores.registry,
    // A network change leaves a half-dead session the heartbeat finds only after up to two
    // intervals; a newcomer asks at once (2 s is many round trips, even on a poor link).
    holderAnswers: async (name) => sessions.get(name)?.probe(Math.min(2_000, options.heartbeatIntervalMs)) ?? true,
  };
  const accept = (socket: TunnelSocket, client: ConnectingClient) =>
    acceptTunnelSocket(socket, {
      options,
      sessions,
      reservations: stores.reservations,
      registry: stores.registry,
      queues,
      cluster,
      answers,
      ...client,
      urlsFor,
    });
  const inProcess = createInProcessConnector({
    ...admission,
    verifier: stores.verifier,
    optionalVerifier: stores.optionalVerifier,
    accept,
  });
  return { admission, accept, inProcess };
}
