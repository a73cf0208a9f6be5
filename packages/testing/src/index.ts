/** @module @hookline/testing — shared test and benchmark support (never shipped). */

export { makeCertificate } from './certificate.js';
export {
  type ClientReady,
  type EmbeddedReady,
  type NodeChild,
  type RelayReady,
  type SpawnOptions,
  spawnClient,
  spawnEmbedded,
  spawnRelay,
  spawnTs,
} from './child.js';
export { freePort } from './free-port.js';
export {
  connectHostileClient,
  frames,
  type HostileClient,
  type HostileClientOptions,
  INJECTED_RESPONSE,
  pushBlindly,
} from './hostile-client.js';
export { type KeepAliveProxy, startKeepAliveProxy } from './keep-alive-proxy.js';
export { type Origin, readBody, startOrigin } from './origin.js';
export { memoryOf, resetPeak } from './process-stats.js';
export { startRedis, type TestRedis } from './redis-server.js';
export { type RelayStats, relayStats } from './relay-stats.js';
export { sampleRequestHead } from './request-head.js';
