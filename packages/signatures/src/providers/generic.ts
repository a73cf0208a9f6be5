import { SignatureError } from '../errors.js';
import { fromBase64, fromHex, hmac, sameDigest } from '../hmac.js';
import { headerValue, withHeader } from '../raw-headers.js';
import type { GenericHmacConfig, SignatureScheme } from '../types.js';
import { judgeTimestamp, parseTimestamp, verdict } from '../verdict.js';

type Resolved = Required<Omit<GenericHmacConfig, 'timestampHeader'>> & { timestampHeader: string | null };

const ALGORITHMS = new Set(['sha1', 'sha256', 'sha512']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Merge defaults once and reject a config that could never verify anything. */
export function resolveGeneric(config: GenericHmacConfig): Resolved {
  const resolved: Resolved = {
    header: config.header,
    algorithm: config.algorithm ?? 'sha256',
    encoding: config.encoding ?? 'hex',
    prefix: config.prefix ?? '',
    signed: config.signed ?? 'body',
    timestampHeader: config.timestampHeader ?? null,
    separator: config.separator ?? '.',
    toleranceS: config.toleranceS ?? 300,
  };
  const bad = (why: string) => new SignatureError('E_SIGNATURE_CONFIG', `generic signature config: ${why}`);
  if (typeof resolved.header !== 'string' || !HEADER_NAME.test(resolved.header))
    throw bad('"header" must be a header name');
  if (!ALGORITHMS.has(resolved.algorithm)) throw bad('"algorithm" must be sha1, sha256 or sha512');
  if (resolved.encoding !== 'hex' && resolved.encoding !== 'base64') throw bad('"encoding" must be hex or base64');
  if (resolved.signed !== 'body' && resolved.signed !== 'timestamp+body')
    throw bad('"signed" must be body or timestamp+body');
  if (resolved.signed === 'timestamp+body' && resolved.timestampHeader === null) {
    throw bad('"signed": "timestamp+body" needs "timestampHeader"');
  }
  if (!(resolved.toleranceS > 0)) throw bad('"toleranceS" must be a positive number of seconds');
  return resolved;
}

/** A configurable HMAC scheme: header, algorithm, encoding, prefix, and what is signed. */
export function genericScheme(config: GenericHmacConfig): SignatureScheme {
  const c = resolveGeneric(config);
  const sign = (secret: string, t: number | null, body: Uint8Array) =>
    hmac(c.algorithm, secret, t === null ? [body] : [`${t}${c.separator}`, body]);
  const decode = c.encoding === 'hex' ? fromHex : fromBase64;
  return {
    id: 'generic',
    detect: (headers) => headerValue(headers, c.header) !== undefined,
    verify(request, secret, now) {
      let t: number | null = null;
      if (c.timestampHeader !== null && c.signed === 'timestamp+body') {
        t = parseTimestamp(headerValue(request.headers, c.timestampHeader));
        if (t === null) return verdict.malformed('generic', `${c.timestampHeader} is missing or not a number`);
      }
      const value = (headerValue(request.headers, c.header) ?? '').trim();
      if (!value.startsWith(c.prefix))
        return verdict.malformed('generic', `${c.header} must start with "${c.prefix}"`, t);
      const given = decode(value.slice(c.prefix.length));
      if (given === null) return verdict.malformed('generic', `${c.header} is not ${c.encoding}`, t);
      if (!sameDigest(sign(secret, t, request.body), given)) return verdict.mismatch('generic', t);
      return t === null ? verdict.valid('generic') : judgeTimestamp('generic', t, now, c.toleranceS);
    },
    signedAt: (headers) =>
      c.timestampHeader !== null && c.signed === 'timestamp+body'
        ? { timestamp: parseTimestamp(headerValue(headers, c.timestampHeader)), toleranceS: c.toleranceS }
        : null,
    resign(request, secret, { now }) {
      let headers = [...request.headers];
      let t: number | null = null;
      if (c.timestampHeader !== null && c.signed === 'timestamp+body') {
        t = Math.floor(now / 1000);
        headers = withHeader(headers, c.timestampHeader, String(t));
      }
      headers = withHeader(headers, c.header, `${c.prefix}${sign(secret, t, request.body).toString(c.encoding)}`);
      return { provider: 'generic', headers, timestamp: t };
    },
  };
}
