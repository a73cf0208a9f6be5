/**
 * A relay and a tunnel client in one process, joined by the in-process link (what
 * `hookline http` does with its embedded relay), for tests that measure that
 * process apart. argv[2]: JSON { relay?: RelayOptions, tunnel: TunnelOptions without
 * `relay` }. Prints one JSON line { url, port, name, pid } when online.
 */
import { connectTunnel, type TunnelOptions } from '@hookline/client';
import { createRelay, type RelayOptions } from '@hookline/relay';

const config = JSON.parse(process.argv[2] ?? '{}') as { relay?: RelayOptions; tunnel: Omit<TunnelOptions, 'relay'> };
const relay = createRelay(config.relay ?? {});
const address = await relay.listen(0, '127.0.0.1');
const tunnel = await connectTunnel({ ...config.tunnel, relay });
process.stdout.write(
  `${JSON.stringify({ url: relay.url, port: address.port, name: tunnel.name, pid: process.pid })}\n`,
);
const stop = () => void tunnel.close().then(() => relay.close().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
