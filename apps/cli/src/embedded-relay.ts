import type { Relay } from '@hookline/relay';

/** A fixed default port keeps the embedded relay's URLs stable across runs. */
const EMBEDDED_RELAY_PORT = 4747;

/**
 * Start a relay inside this process on 127.0.0.1 (no account, no network), on
 * `port` when free, else on any free port.
 */
export async function startEmbeddedRelay(port = EMBEDDED_RELAY_PORT): Promise<Relay> {
  const { createRelay } = await import('@hookline/relay');
  const options = {
    domain: 'localhost',
    // The body limit is the relay's default (32 MiB), as on any relay a webhook will
    // meet in production: a payload that passes here passes there. The rate limit is
    // off: this relay is loopback-only, its one caller is the developer, and load
    // tests run through it.
    tunnelRate: { perSecond: 1e9, burst: 1e9 },
  };
  const relay = createRelay(options);
  try {
    await relay.listen(port, '127.0.0.1');
    return relay;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    const fallback = createRelay(options);
    await fallback.listen(0, '127.0.0.1');
    return fallback;
  }
}
