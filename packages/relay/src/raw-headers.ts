import type { IncomingMessage } from 'node:http';

/**
 * Drop headers (all spellings) from a request before it is forwarded or stored:
 * from `rawHeaders`, which the tunnel's request head is built from, and from the
 * parsed `headers` that later checks read.
 */
export function removeRawHeaders(req: IncomingMessage, names: readonly string[]): void {
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (names.includes((raw[i] as string).toLowerCase())) raw.splice(i, 2);
  }
  for (const name of names) delete req.headers[name];
}
