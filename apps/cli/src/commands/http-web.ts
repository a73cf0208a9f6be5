import type { Tunnel } from '@hookline/client';
import type { CaptureSession } from '../inspector/capture-session.js';
import { UserError } from '../user-error.js';
import type { WebInspector } from '../web/start-web-inspector.js';

/**
 * The port `--inspect-port` (else `HOOKLINE_INSPECT_PORT`) asks for; undefined for
 * the default (4040, or the next free one); null with `--no-web`.
 */
export function inspectPort(
  flags: { web?: boolean; inspectPort?: string },
  env: NodeJS.ProcessEnv,
): number | undefined | null {
  if (flags.web === false) return null;
  const asked = flags.inspectPort ?? (env.HOOKLINE_INSPECT_PORT || undefined);
  if (asked === undefined) return undefined;
  const port = /^\d{1,5}$/.test(asked) ? Number(asked) : -1;
  if (!(port >= 0 && port <= 65_535)) throw new UserError(`--inspect-port must be a port (0-65535), not "${asked}"`);
  return port;
}

/**
 * Start the web inspector beside the tunnel, after it is online: its modules
 * load only now, so start-up does not wait for them. A port that cannot be had
 * is a warning, not a failure: the tunnel works without the page.
 */
export async function openWeb(
  port: number | undefined,
  tunnel: Tunnel,
  capture: CaptureSession,
  warn: (message: string) => void,
): Promise<WebInspector | null> {
  const [{ startWebInspector, DEFAULT_INSPECT_PORT, DEFAULT_PORT_TRIES }, { tunnelStatusSource }] = await Promise.all([
    import('../web/start-web-inspector.js'),
    import('../inspector/tunnel-status.js'),
  ]);
  try {
    return await startWebInspector({
      store: capture.store,
      service: capture.service,
      status: tunnelStatusSource(tunnel),
      ...(port === undefined ? { port: DEFAULT_INSPECT_PORT, portTries: DEFAULT_PORT_TRIES } : { port }),
      onInternalError: (error) => warn(`web inspector: ${error.stack ?? error.message}`),
    });
  } catch (error) {
    warn(`web inspector not started: ${(error as Error).message} (--inspect-port <n> picks another port)`);
    return null;
  }
}
