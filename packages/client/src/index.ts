/**
 * @module @hookline/client — `connectTunnel()`: keeps one WebSocket to a relay and
 * forwards every request on the tunnel's URL to a local target, streaming both ways.
 */
export type { BackoffOptions } from './backoff.js';
export { reconnectDelay } from './backoff.js';
export { connectTunnel, Tunnel, type TunnelOptions } from './connect-tunnel.js';
export type {
  ErrorEvent,
  ExchangeEvent,
  ExchangeObserver,
  RequestEvent,
  ResponseEvent,
  TunnelEvents,
  TunnelState,
} from './events.js';
export { forwardedRequestHeaders, type HostHeaderMode } from './forward-headers.js';
export { DEFAULT_MAX_RESIGN_BYTES, type LateDelivery, type LateDeliveryOptions } from './late-delivery.js';
export { OFFLINE_RESPONSE_HEADER, type OfflineResponse } from './offline-answer.js';
export { type EventProvider, parseRouteFlag, parseRouteMatch, type TunnelRoute } from './routes.js';
export { connectUrl, parseTarget } from './target.js';
