import { type ClientReady, type NodeChild, type RelayReady, spawnTs } from '@hookline/testing';
import type { BenchProcess } from './build.js';
import { DEPLOYED_RELAY_ENV } from './relay-env.js';

/** Relay limits opened up so that only speed is measured, not a cap. */
export const LOAD_RELAY_OPTIONS = {
  maxBodyBytes: 4096 * 2 ** 20,
  maxStreamsPerTunnel: 10_000,
  tunnelRate: { perSecond: 1e9, burst: 1e9 },
  maxTunnelsPerToken: 10_000,
};

/** The bundled relay in its own process, with the Docker image's environment. */
export function startBenchRelay(scripts: Record<BenchProcess, string>): Promise<NodeChild<RelayReady>> {
  return spawnTs<RelayReady>(scripts.relay, [JSON.stringify({ options: LOAD_RELAY_OPTIONS })], {
    env: DEPLOYED_RELAY_ENV,
  });
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
