import { createRelay, type Relay, type RelayOptions } from '@hookline/relay';
import { connectTunnel, type Tunnel, type TunnelOptions } from '../connect-tunnel.js';

export interface InProcessTunnel {
  relay: Relay;
  tunnel: Tunnel;
  /** The relay's port on 127.0.0.1. */
  port: number;
  /** The tunnel's public URL by path: `http://127.0.0.1:<port>/t/<name>`. */
  base: string;
  /** Close the tunnel, then the relay. */
  close(): Promise<void>;
}

/** A relay in this process on a free port, and a tunnel named `name` through it to `target`. */
export async function openInProcessTunnel(
  target: number | string,
  name: string,
  relayOptions: RelayOptions = {},
  tunnelOptions: Partial<TunnelOptions> = {},
): Promise<InProcessTunnel> {
  const relay = createRelay(relayOptions);
  const port = (await relay.listen(0, '127.0.0.1')).port;
  try {
    const tunnel = await connectTunnel({ ...tunnelOptions, relay: relay.url, target, name });
    return {
      relay,
      tunnel,
      port,
      base: `http://127.0.0.1:${port}/t/${name}`,
      async close() {
        await tunnel.close();
        await relay.close();
      },
    };
  } catch (error) {
    await relay.close();
    throw error;
  }
}
