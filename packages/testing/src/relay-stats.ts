import type { NodeChild, RelayReady } from './child.js';

/** What a relay process (relay-process.ts) says about itself. */
export interface RelayStats {
  /** V8 heap in use, after a full collection when `collected`. */
  heapUsed: number;
  /** Whether the relay could collect first (it runs with `--expose-gc`). */
  collected: boolean;
  tunnels: number;
  /** TCP connections open (the listening socket not counted) and timers pending, as the event loop holds them. */
  sockets: number;
  timers: number;
}

/** Ask a relay process for its stats (SIGUSR2, one line back). One question at a time per relay. */
export async function relayStats(relay: NodeChild<RelayReady>): Promise<RelayStats> {
  const line = relay.nextLine(/^\{"stats":/);
  relay.child.kill('SIGUSR2');
  return (JSON.parse(await line) as { stats: RelayStats }).stats;
}
