import { isIP } from 'node:net';
import type { LocalExchangeInit } from './exchange-lifecycle.js';
import { forwardedRequestHeaders } from './forward-headers.js';

/* How tunnel heads map onto what undici sends and reports, and back. */

/**
 * Headers undici refuses or manages itself. The relay strips hop-by-hop headers
 * already; `expect` is left for the relay's server to answer (100-continue).
 */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

/** The forwarded request headers, minus those undici refuses or sets itself. */
export function requestHeaders(init: LocalExchangeInit): string[] {
  const all = forwardedRequestHeaders(init.head, init.target, init.hostHeader);
  const out: string[] = [];
  for (let i = 0; i + 1 < all.length; i += 2) {
    const name = all[i] as string;
    if (!NOT_FORWARDED.has(name.toLowerCase())) out.push(name, all[i + 1] as string);
  }
  return out;
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
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? 'localhost' : host;
}

/** Raw header bytes as Node gives them: one Latin-1 string per name and value. */
export function latin1(raw: Buffer[]): string[] {
  const out = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i] as Buffer).toString('latin1');
  return out;
}
