/**
 * A tunnel client as its own process. argv[2]: JSON TunnelOptions.
 * Prints one JSON line { url, urls, name } when online, then one { state } line per change.
 */
import { connectTunnel, type TunnelOptions } from '@hookline/client';

const options = JSON.parse(process.argv[2] ?? '{}') as TunnelOptions;
const tunnel = await connectTunnel(options);
process.stdout.write(
  `${JSON.stringify({ url: tunnel.url, urls: tunnel.urls, name: tunnel.name, pid: process.pid })}\n`,
);
tunnel.on('state', (state) => process.stdout.write(`${JSON.stringify({ state })}\n`));
const stop = () => void tunnel.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
