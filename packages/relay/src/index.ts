/**
 * @module @hookline/relay — the public side of hookline: `createRelay()` holds
 * tunnel names, routes public requests to the client holding them, and streams
 * both ways over the client's WebSocket.
 */

export { AuthGuard, type AuthGuardOptions, type AuthRefusal } from './auth-guard.js';
// What a cluster implementation (`@hookline/cluster`) builds on: the interface a
// relay node uses, the store interfaces it implements, and the rules its stores
// and its node-to-node proxy must share with the embedded ones.
export type {
  ClusterContext,
  ClusterFactory,
  ClusterNode,
  ClusterReadiness,
  ClusterSession,
} from './cluster-node.js';
export { defaultRelayDataDir } from './default-data-dir.js';
export { createMemoryFailureStore, type FailureStore } from './failure-store.js';
export { randomTunnelName, tunnelNameProblem } from './names.js';
export { RELAY_DEFAULTS, type RelayLogger, type RelayOptions } from './options.js';
export { ERROR_HEADER, sendPublicError } from './public-error.js';
export { expireIfOld, newEntry, recordAttempt, releaseAttempt, resetForRetry } from './queue/entry-state.js';
export type { AttemptResult, QueueEntry } from './queue/queue-entry.js';
export { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './queue/queue-limits.js';
export type { SharedQueues } from './queue/queue-registry.js';
export type { QueueStore } from './queue/queue-store.js';
export { removeRawHeaders } from './raw-headers.js';
export {
  type ClaimResult,
  createMemoryRegistry,
  type TunnelHolder,
  type TunnelRegistry,
  takenOverMessage,
} from './registry.js';
export { createRelay, type Relay } from './relay.js';
export type { ExchangeRecord, RelayObserver, TokenCheckGuard } from './relay-observer.js';
export { judgeResponseHead, ResponseBodyFraming } from './response-framing.js';
export { routeRequest, type TunnelRoute } from './routing.js';
export type { QueueMode, Reservation } from './store/reservations.js';
export { lastUsed, type ReservationStore, type ReserveResult, TOUCH_INTERVAL_MS } from './store/reservations.js';
export { StoreStartError } from './store/store-errors.js';
export {
  createToken,
  hashToken,
  listTokens,
  revokeToken,
  type TokenRecord,
  type TokenVerifier,
} from './store/token-store.js';
export type { AccessPolicy } from './tunnel-access.js';
