import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Dispatcher, Pool } from 'undici';
import type { LocalTransport } from './local-exchange.js';

/** undici is loaded this long after the tunnel starts, unless a request needs it sooner. */
const LOAD_UNDICI_AFTER_MS = 1_000;

/**
 * The client's connections to its local target, kept alive across exchanges:
 * an undici pool for requests, a node:http agent for upgrades (WebSockets).
 *
 * undici takes ~0.1 s to load, which `hookline http` would pay before it can say
 * "online" though no request needs it yet: it is loaded a second after start, or
 * by the first request if that comes sooner (which then waits for it once).
 */
export function openLocalTransport(target: URL, maxSockets: number): LocalTransport & { destroy(): void } {
  const AgentClass = target.protocol === 'https:' ? HttpsAgent : HttpAgent;
  const upgradeAgent = new AgentClass({ keepAlive: true, maxSockets, maxFreeSockets: 8 });
  let pool: Pool | null = null;
  let loading: Promise<Pool> | null = null;
  let destroyed = false;
  const load = (): Promise<Pool> => {
    // `default`: undici is CommonJS, and a bundle that inlines it (the CLI's) hands
    // its exports over as `default` only; Node's own import has them there too.
    loading ??= import('undici').then(({ default: { Pool } }) => {
      pool = new Pool(target.origin, {
        connections: maxSockets,
        // Local dev servers commonly use self-signed certificates.
        connect: { rejectUnauthorized: false },
      });
      if (destroyed) pool.destroy().catch(() => {});
      return pool;
    });
    return loading;
  };
  const timer = setTimeout(() => void load(), LOAD_UNDICI_AFTER_MS);
  timer.unref();
  const dispatcher: Pick<Dispatcher, 'dispatch'> = {
    dispatch(options, handler) {
      if (pool) return pool.dispatch(options, handler);
      load().then(
        (loaded) => {
          try {
            loaded.dispatch(options, handler);
          } catch (error) {
            // What `dispatch` throws at once (a request undici refuses) goes where its errors go.
            handler.onError?.(error as Error);
          }
        },
        (error: Error) => handler.onError?.(error),
      );
      return true;
    },
  };
  return {
    dispatcher,
    upgradeAgent,
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      upgradeAgent.destroy();
      pool?.destroy().catch(() => {});
    },
  };
}
