import { type ClientReady, type NodeChild, type RelayReady, spawnTs } from '@hookline/testing';
import type { BenchProcess } from './build.js';
import { startBundledRelay } from './relay-service.js';

/** Relay limits opened up so that only speed is measured, not a cap. */
export const LOAD_RELAY_OPTIONS = {
  maxBodyBytes: 4096 * 2 ** 20,
  maxStreamsPerTunnel: 10_000,
  tunnelRate: { perSecond: 1e9, burst: 1e9 },
  maxTunnelsPerToken: 10_000,
};

/**
 * The relay service as deployed (the bundle, the Docker image's environment), with
 * its limits opened up by its own flags: only speed is measured, not a cap.
 */
export async function startBenchRelay(): Promise<{ pid: number; ready: RelayReady; stop(): Promise<void> }> {
  const relay = await startBundledRelay([
    '--max-body-bytes',
    String(LOAD_RELAY_OPTIONS.maxBodyBytes),
    '--max-streams-per-tunnel',
    String(LOAD_RELAY_OPTIONS.maxStreamsPerTunnel),
    '--tunnel-rate',
    String(LOAD_RELAY_OPTIONS.tunnelRate.perSecond),
    '--tunnel-burst',
    String(LOAD_RELAY_OPTIONS.tunnelRate.burst),
    '--max-tunnels-per-token',
    String(LOAD_RELAY_OPTIONS.maxTunnelsPerToken),
  ]);
  return { pid: relay.pid, ready: { url: relay.url, port: relay.port }, stop: () => relay.stop() };
}

/** The bundled tunnel client in its own process: `name` on `relay`, forwarding to `target`. */
export function startBenchClient(
  scripts: Record<BenchProcess, string>,
  relay: string,
  target: number,
  name: string,
): Promise<NodeChild<ClientReady>> {
  return spawnTs<ClientReady>(scripts.client, [JSON.stringify({ relay, target, name })]);
}
