import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';

export interface RelayFlags {
  port?: string;
  host?: string;
  domain?: string;
  publicUrl?: string;
  auth?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `hookline relay`: run a relay in the foreground until SIGINT/SIGTERM. */
export async function runRelay(flags: RelayFlags, io: CliIo): Promise<number> {
  const port = Number(flags.port ?? io.env.HOOKLINE_PORT ?? 4747);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port must be 0-65535, got ${flags.port}`);
  const host = flags.host ?? io.env.HOOKLINE_HOST ?? '127.0.0.1';
  const auth = flags.auth ?? io.env.HOOKLINE_AUTH ?? (LOOPBACK.has(host) ? 'none' : 'required');
  if (auth !== 'none' && auth !== 'required') throw new UserError(`--auth must be "required" or "none", not "${auth}"`);
  // Until the token store lands, accepted tokens come from the environment only.
  const tokens = (io.env.HOOKLINE_RELAY_TOKENS ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (auth === 'required' && tokens.length === 0) {
    throw new UserError(
      '--auth required needs tokens: set HOOKLINE_RELAY_TOKENS=<token>[,<token>…] (or use --auth none)',
    );
  }
  const { createRelay } = await import('@hookline/relay');
  let relay: ReturnType<typeof createRelay>;
  try {
    relay = createRelay({
      tokens: auth === 'required' ? tokens : [],
      ...(flags.domain === undefined ? {} : { domain: flags.domain }),
      ...(flags.publicUrl === undefined ? {} : { publicUrl: flags.publicUrl }),
      logger: {
        info: (fields, message) => io.stderr.write(`${JSON.stringify({ level: 'info', msg: message, ...fields })}\n`),
        warn: (fields, message) => io.stderr.write(`${JSON.stringify({ level: 'warn', msg: message, ...fields })}\n`),
        error: (fields, message) => io.stderr.write(`${JSON.stringify({ level: 'error', msg: message, ...fields })}\n`),
      },
    });
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  try {
    await relay.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on ${host} is already in use`);
    if (code === 'EACCES') throw new UserError(`not allowed to listen on ${host}:${port}`);
    throw error;
  }
  io.stdout.write(`hookline relay listening on ${relay.url} (auth: ${auth})\n`);
  io.stdout.write(`Tunnels at ${relay.url}/t/<name>/${flags.domain ? ` and http://<name>.${flags.domain}` : ''}\n`);
  return new Promise<number>((resolve) => {
    const stop = async () => {
      io.offSignals(stop);
      await relay.close();
      resolve(0);
    };
    io.onSignals(() => void stop());
  });
}
