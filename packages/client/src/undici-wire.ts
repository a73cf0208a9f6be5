import { isIP } from 'node:net';
import type { LocalExchangeInit } from './exchange-lifecycle.js';
import { forwardedRequestHeaders } from './forward-headers.js';
import { targetHostname } from './target.js';

/* How tunnel heads map onto what undici sends and reports, and back. */

/**
 * The forwarded request headers as undici takes them. The hop-by-hop ones it
 * refuses (connection, transfer-encoding, …) are gone already (`stripHopByHop`);
 * `expect` is dropped here, since the relay's server answered the 100-continue.
 * Edits the fresh list in place: no third copy on the forwarding path.
 */
export function requestHeaders(init: LocalExchangeInit): string[] {
  const headers = forwardedRequestHeaders(init.head, init.target, init.hostHeader);
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = headers[i] as string;
    if (name.length === 6 && name.toLowerCase() === 'expect') headers.splice(i, 2);
  }
  return headers;
}

/** What an HTTP reason phrase may hold (Node refuses anything else in the status line). */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * undici decodes the reason phrase as UTF-8, node:http (and the wire) as Latin-1:
 * turn it back into the bytes that came, or drop it when that cannot be done.
 */
export function reasonPhrase(text: string): string {
  if (REASON_PHRASE.test(text)) return text;
  if (text.includes('\ufffd')) return '';
  const bytes = Buffer.from(text, 'utf8').toString('latin1');
  return REASON_PHRASE.test(bytes) ? bytes : '';
}

/**
 * TLS server name for an https target: its own hostname (an IP address cannot be
 * one). Fixed per tunnel, or undici would take it from each request's Host header
 * and reconnect whenever callers use the tunnel's other public URL.
 */
export function serverName(target: URL): string | undefined {
  if (target.protocol !== 'https:') return undefined;
  const host = targetHostname(target);
  return isIP(host) ? 'localhost' : host;
}

/** Raw header bytes as Node gives them: one Latin-1 string per name and value. */
export function latin1(raw: Buffer[]): string[] {
  const out = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i] as Buffer).toString('latin1');
  return out;
}
