import type { RelayServiceInput } from '@hookline/relay';
import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';

/** The relay's shared service settings as flags; `--trust-proxy` is a switch here. */
export type RelayFlags = Omit<RelayServiceInput, 'trustProxy' | 'maxBodyBytes'> & { trustProxy?: boolean };

/** `hookline relay`: run a relay in the foreground until SIGINT/SIGTERM. */
export async function runRelay(flags: RelayFlags, io: CliIo): Promise<number> {
  const { createRelay, jsonLineLogger, relayServiceConfig } = await import('@hookline/relay');
  const { resolveRelayDataDir } = await import('../relay-data-dir.js');
  let relay: ReturnType<typeof createRelay>;
  let config: ReturnType<typeof relayServiceConfig>;
  try {
    const { trustProxy, ...rest } = flags;
    config = relayServiceConfig(
      {
        ...rest,
        ...(trustProxy ? { trustProxy: 'true' } : {}),
        dataDir: resolveRelayDataDir(flags.dataDir, io.env, io.cwd),
      },
      io.env,
    );
    relay = createRelay({ ...config.options, logger: jsonLineLogger((line) => io.stderr.write(line)) });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  try {
    await relay.listen(config.port, config.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${config.port} on ${config.host} is already in use`);
    if (code === 'EACCES') throw new UserError(`not allowed to listen on ${config.host}:${config.port}`);
    throw error;
  }
  const stopped = new Promise<number>((resolve) => {
    const stop = () => {
      io.offSignals(stop);
      void relay.close().then(() => resolve(0));
    };
    io.onSignals(stop);
  });
  const port = new URL(relay.url).port;
  const domain = config.options.domain;
  io.stdout.write(`hookline relay listening on ${relay.url} (auth: ${config.auth}, data: ${config.options.dataDir})\n`);
  io.stdout.write(
    `Tunnels at ${relay.url}/t/<name>/${domain ? ` and http://<name>.${domain}${port ? `:${port}` : ''}/` : ''}\n`,
  );
  return stopped;
}
