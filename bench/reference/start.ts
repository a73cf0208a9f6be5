import { fileURLToPath } from 'node:url';
import { type NodeChild, spawnTs } from '@hookline/testing';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The reference prototype's relay and client, as two processes in front of `originPort`. */
export async function startReference(originPort: number): Promise<{ url: string; stop(): Promise<void> }> {
  const relay = await spawnTs<{ port: number; tunnelPort: number }>(here('./relay.ts'), []);
  let client: NodeChild<unknown> | undefined;
  try {
    client = await spawnTs<unknown>(here('./client.ts'), [String(relay.ready.tunnelPort), String(originPort)]);
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
