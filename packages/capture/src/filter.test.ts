import { describe, expect, it } from 'vitest';
import { parseFilter, tunnelOf } from './filter.js';

describe('parseFilter', () => {
  it('splits terms, lower-cases values and keeps quoted spaces', () => {
    expect(parseFilter('Method:POST "a b" path:/x')).toEqual([
      { key: 'method', value: 'post' },
      { key: 'any', value: 'a b' },
      { key: 'path', value: '/x' },
    ]);
    expect(parseFilter('   ')).toEqual([]);
  });

  it.each([
    ['foo:bar', 'unknown filter key "foo"; keys: method, path, status, header, body, sig, tunnel, origin'],
    ['status:20', 'bad value "20" for status: use a status (404), a class (4xx) or error'],
    ['sig:ok', 'bad value "ok" for sig: use one of valid, invalid, stale, no-secret, unsigned'],
    ['method:po$t', 'bad value "po$t" for method: use a method name, e.g. post'],
    ['origin:x', 'bad value "x" for origin: use one of live, replay, queued, handshake'],
    ['body:', 'bad value "" for body: give a value, e.g. method:post'],
  ])('refuses %s', (query, message) => {
    expect(() => parseFilter(query)).toThrow(expect.objectContaining({ code: 'E_BAD_FILTER', message }));
  });

  it('knows which tunnel a query asks for', () => {
    expect(tunnelOf(parseFilter('tunnel:shop post'))).toBe('shop');
    expect(tunnelOf(parseFilter('tunnel:*'))).toBe('*');
    expect(tunnelOf(parseFilter('post'))).toBeNull();
  });
});
