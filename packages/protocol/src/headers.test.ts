import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { declaredContentLength, getRawHeader, rawHeadersToObject, stripHopByHop } from './headers.js';

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

describe('stripHopByHop', () => {
  it('drops every hop-by-hop header, whatever its case', () => {
    const raw = [
      'Host',
      'example.test',
      'Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'TRANSFER-ENCODING',
      'chunked',
      'TE',
      'trailers',
      'Trailer',
      'X-Checksum',
      'Upgrade',
      'h2c',
      'Proxy-Connection',
      'keep-alive',
      'Proxy-Authorization',
      'Basic Zm9vOmJhcg==',
      'proxy-authenticate',
      'Basic',
      'Accept',
      '*/*',
    ];
    expect(stripHopByHop(raw)).toEqual(['Host', 'example.test', 'Accept', '*/*']);
  });

  it('drops headers named by any Connection header, case-insensitively', () => {
    const raw = [
      'connection',
      ' X-Secret ,, keep-alive',
      'X-SECRET',
      'a',
      'Content-Type',
      'text/plain',
      'CONNECTION',
      'x-other',
      'x-secret',
      'b',
      'X-Other',
      'c',
      'X-Kept',
      'd',
    ];
    expect(stripHopByHop(raw)).toEqual(['Content-Type', 'text/plain', 'X-Kept', 'd']);
  });

  it('keeps the order, spelling and repeats of end-to-end headers', () => {
    const raw = ['X-B', '1', 'set-cookie', 'a=1', 'Connection', 'close', 'Set-Cookie', 'b=2', 'x-b', '2', 'X-A', ''];
    expect(stripHopByHop(raw)).toEqual(['X-B', '1', 'set-cookie', 'a=1', 'Set-Cookie', 'b=2', 'x-b', '2', 'X-A', '']);
  });

  it('does not modify its input', () => {
    const raw = ['Connection', 'x-a', 'X-A', '1', 'Host', 'h'];
    const copy = [...raw];
    stripHopByHop(raw);
    stripHopByHop(raw, true);
    expect(raw).toEqual(copy);
  });

  it('with keepUpgrade, keeps Upgrade and rewrites Connection to exactly "Upgrade"', () => {
    const raw = [
      'Host',
      'example.test',
      'connection',
      'keep-alive, Upgrade, X-Hop',
      'Upgrade',
      'websocket',
      'Keep-Alive',
      'timeout=5',
      'X-Hop',
      'gone',
      'Sec-WebSocket-Key',
      'dGhlIHNhbXBsZSBub25jZQ==',
    ];
    expect(stripHopByHop(raw, true)).toEqual([
      'Host',
      'example.test',
      'connection',
      'Upgrade',
      'Upgrade',
      'websocket',
      'Sec-WebSocket-Key',
      'dGhlIHNhbXBsZSBub25jZQ==',
    ]);
  });

  it('without keepUpgrade, drops Upgrade and Connection even on an upgrade request', () => {
    const raw = ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Version', '13'];
    expect(stripHopByHop(raw)).toEqual(['Sec-WebSocket-Version', '13']);
  });

  it('ignores a trailing name without a value', () => {
    expect(stripHopByHop(['Accept', '*/*', 'X-Dangling'])).toEqual(['Accept', '*/*']);
  });

  it('keeps exactly the end-to-end headers, in order (model check)', () => {
    const name = fc.oneof(
      fc.mixedCase(fc.constantFrom(...HOP_BY_HOP)),
      fc.mixedCase(fc.constantFrom('x-a', 'x-b', 'accept', 'cookie', 'host')),
    );
    const value = fc.oneof(
      fc.constantFrom('', 'close', 'keep-alive', 'upgrade'),
      fc.array(fc.mixedCase(fc.constantFrom('x-a', 'X-B', 'upgrade', ' host ')), { maxLength: 3 }).map((list) => {
        return list.join(',');
      }),
    );
    const raw = fc.array(fc.tuple(name, value), { maxLength: 12 }).map((pairs) => pairs.flat());
    fc.assert(
      fc.property(raw, (list) => {
        const named = new Set<string>();
        for (let i = 0; i + 1 < list.length; i += 2) {
          if (list[i]?.toLowerCase() !== 'connection') continue;
          for (const token of list[i + 1]?.split(',') ?? []) named.add(token.trim().toLowerCase());
        }
        const expected: string[] = [];
        for (let i = 0; i + 1 < list.length; i += 2) {
          const lower = list[i]?.toLowerCase() ?? '';
          if (!HOP_BY_HOP.includes(lower) && !named.has(lower)) expected.push(list[i] ?? '', list[i + 1] ?? '');
        }
        expect(stripHopByHop(list)).toEqual(expected);
      }),
    );
  });
});

describe('rawHeadersToObject', () => {
  it('groups repeats into arrays under the first spelling, in arrival order', () => {
    const raw = ['Set-Cookie', 'a=1', 'Host', 'h', 'set-cookie', 'b=2', 'SET-COOKIE', 'c=3', 'X-One', '1'];
    expect(rawHeadersToObject(raw)).toEqual({ 'Set-Cookie': ['a=1', 'b=2', 'c=3'], Host: 'h', 'X-One': '1' });
  });

  it('keeps a single occurrence as a plain string, including an empty one', () => {
    expect(rawHeadersToObject(['X-Empty', '', 'Accept', '*/*'])).toEqual({ 'X-Empty': '', Accept: '*/*' });
  });

  it('returns an empty object for no headers and ignores a trailing name without a value', () => {
    expect(rawHeadersToObject([])).toEqual({});
    expect(rawHeadersToObject(['Accept', '*/*', 'X-Dangling'])).toEqual({ Accept: '*/*' });
  });

  it('treats names that exist on Object.prototype as ordinary headers', () => {
    expect(rawHeadersToObject(['constructor', 'a', 'toString', 'b', 'Constructor', 'c'])).toEqual({
      constructor: ['a', 'c'],
      toString: 'b',
    });
  });

  // `__proto__` is a valid header token: on a plain object it would hit the prototype setter.
  it('keeps a header named __proto__ as an ordinary key', () => {
    const out = rawHeadersToObject(['__proto__', 'a', '__proto__', 'b']);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.entries(out)).toEqual([['__proto__', ['a', 'b']]]);
  });
});

describe('getRawHeader', () => {
  const raw = ['Content-Type', 'text/plain', 'X-Repeat', 'first', 'x-repeat', 'second'];

  it('finds a header whatever the case of either name', () => {
    expect(getRawHeader(raw, 'content-type')).toBe('text/plain');
    expect(getRawHeader(raw, 'CONTENT-TYPE')).toBe('text/plain');
  });

  it('returns the first value of a repeated header', () => {
    expect(getRawHeader(raw, 'X-REPEAT')).toBe('first');
  });

  it('returns undefined for a missing header, and for a trailing name without a value', () => {
    expect(getRawHeader(raw, 'accept')).toBeUndefined();
    expect(getRawHeader(['X-Dangling'], 'x-dangling')).toBeUndefined();
  });

  it('does not match a value that looks like the name', () => {
    expect(getRawHeader(['X-A', 'host', 'Host', 'h'], 'host')).toBe('h');
  });
});

describe('declaredContentLength', () => {
  it('reads one plain number, whatever the name’s case', () => {
    expect(declaredContentLength(['Content-Length', '1024'])).toBe(1024);
    expect(declaredContentLength(['x-a', 'b', 'content-length', '0'])).toBe(0);
  });

  it('is null for no header, a value that is not a plain number, or one past 15 digits', () => {
    expect(declaredContentLength(['content-type', 'text/plain'])).toBeNull();
    for (const value of ['-1', '1e3', ' 12', '12, 12', '', '1234567890123456']) {
      expect(declaredContentLength(['content-length', value])).toBeNull();
    }
  });
});
