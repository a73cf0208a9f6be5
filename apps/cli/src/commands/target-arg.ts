import { UserError } from '../user-error.js';

/**
 * What `hookline http <target>` accepts, decided before anything starts:
 * - a port: `3000` (1-65535);
 * - `host:port`: `localhost:3000`, `[::1]:3000`;
 * - a URL with its scheme: `http://127.0.0.1:3000`, `https://localhost:8443`.
 * A bare word (`abc`, `localhost`) or a negative number (`-5`) is refused: the
 * client would read them as host names (`http://abc`, `http://-5`) and forward
 * every request to a server that is almost never the one meant. The client's
 * `parseTarget` then checks the port range and the scheme.
 */
export function checkTargetArg(text: string): void {
  const target = text.trim();
  if (/^\d+$/.test(target)) return;
  if (/^-\d+$/.test(target)) throw new UserError(`port must be 1-65535, got ${target}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return;
  if (/^(\[[^\]]+\]|[^:/\s]+):\d+(\/.*)?$/.test(target)) return;
  throw new UserError(
    `not a port or URL: "${target}" (give 3000, localhost:3000 or http://host:port; a bare host name needs its port)`,
  );
}
