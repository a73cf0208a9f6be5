/**
 * @module @hookline/relay — the public side of hookline: `createRelay()` holds
 * tunnel names, routes public requests to the client holding them, and streams
 * both ways over the client's WebSocket.
 */

export { AuthGuard, type AuthGuardOptions, type AuthRefusal } from './auth-guard.js';
export type { ClusterOptions } from './cluster/cluster-options.js';
export { openClusterTokens } from './cluster/cluster-tokens.js';
export { defaultRelayDataDir } from './default-data-dir.js';
export { randomTunnelName, tunnelNameProblem } from './names.js';
export { RELAY_DEFAULTS, type RelayLogger, type RelayOptions } from './options.js';
export { ERROR_HEADER } from './public-error.js';
export { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './queue/queue-limits.js';
export { type ClaimResult, createMemoryRegistry, type TunnelHolder, type TunnelRegistry } from './registry.js';
export { createRelay, type Relay } from './relay.js';
export type { ExchangeRecord, RelayObserver, TokenCheckGuard } from './relay-observer.js';
export { routeRequest, type TunnelRoute } from './routing.js';
export type { QueueMode, Reservation } from './store/reservations.js';
export { StoreStartError } from './store/store-errors.js';
export { createToken, listTokens, revokeToken, type TokenRecord } from './store/token-store.js';
