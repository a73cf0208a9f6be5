import { type NodeChild, spawnTs } from '@hookline/testing';
import type { BenchProcess } from '../build.js';
import { DEPLOYED_RELAY_ENV } from '../relay-env.js';

/** The reference prototype's relay and client, as two processes in front of `originPort`. */
export async function startReference(
  scripts: Record<BenchProcess, string>,
  originPort: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  // The same environment as hookline's relay, so the two differ only in code.
  const relay = await spawnTs<{ port: number; tunnelPort: number }>(scripts['reference-relay'], [], {
    env: DEPLOYED_RELAY_ENV,
  });
  let client: NodeChild<unknown> | undefined;
  try {
    const args = [String(relay.ready.tunnelPort), String(originPort)];
    client = await spawnTs<unknown>(scripts['reference-client'], args);
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${relay.ready.port}`,
    async stop() {
      await client?.stop();
      await relay.stop();
    },
  };
}
