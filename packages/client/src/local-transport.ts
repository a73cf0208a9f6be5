import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Pool } from 'undici';
import type { LocalTransport } from './local-exchange.js';

/**
 * The client's connections to its local target, kept alive across exchanges:
 * an undici pool for requests, a node:http agent for upgrades (WebSockets).
 */
export function openLocalTransport(target: URL, maxSockets: number): LocalTransport & { destroy(): void } {
  const AgentClass = target.protocol === 'https:' ? HttpsAgent : HttpAgent;
  const upgradeAgent = new AgentClass({ keepAlive: true, maxSockets, maxFreeSockets: 8 });
  const dispatcher = new Pool(target.origin, {
    connections: maxSockets,
    // Local dev servers commonly use self-signed certificates.
    connect: { rejectUnauthorized: false },
  });
  return {
    dispatcher,
    upgradeAgent,
    destroy() {
      upgradeAgent.destroy();
      dispatcher.destroy().catch(() => {});
    },
  };
}
