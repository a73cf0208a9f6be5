import { describe, expect, it } from 'vitest';
import { hostName, routeRequest } from './routing.js';

describe('routeRequest', () => {
  describe('host routing', () => {
    it('routes <name>.<domain> to tunnel <name> with the path as is', () => {
      expect(routeRequest('/hooks/stripe?x=1', 'demo.example.com', 'example.com')).toEqual({
        kind: 'tunnel',
        route: { name: 'demo', target: '/hooks/stripe?x=1' },
      });
    });

    it('ignores a port in the Host header', () => {
      expect(routeRequest('/', 'demo.localhost:4747', 'localhost')).toEqual({
        kind: 'tunnel',
        route: { name: 'demo', target: '/' },
      });
    });

    it('matches the Host header case-insensitively and lower-cases the name', () => {
      expect(routeRequest('/A/B', 'DeMo.LocalHost:8080', 'localhost')).toEqual({
        kind: 'tunnel',
        route: { name: 'demo', target: '/A/B' },
      });
    });

    it('wins over path routing: /t/… under a tunnel host is the tunnel’s own path', () => {
      expect(routeRequest('/t/other/x', 'demo.example.com', 'example.com')).toEqual({
        kind: 'tunnel',
        route: { name: 'demo', target: '/t/other/x' },
      });
    });

    it('refuses a nested subdomain', () => {
      expect(routeRequest('/', 'a.b.example.com', 'example.com')).toMatchObject({ kind: 'invalid' });
    });

    it('does not take a host that merely ends with the domain text', () => {
      expect(routeRequest('/', 'evilexample.com', 'example.com')).toEqual({ kind: 'service' });
    });

    it('falls back to path routing on the bare domain', () => {
      expect(routeRequest('/t/demo/x', 'example.com:443', 'example.com')).toEqual({
        kind: 'tunnel',
        route: { name: 'demo', target: '/x' },
      });
    });

    it('is off without a domain', () => {
      expect(routeRequest('/x', 'demo.example.com', undefined)).toEqual({ kind: 'service' });
    });
  });

  describe('path routing', () => {
    it.each([
      ['/t/demo/rest?q=1', 'demo', '/rest?q=1'],
      ['/t/demo/a/b/c', 'demo', '/a/b/c'],
      ['/t/demo/', 'demo', '/'],
      ['/t/demo', 'demo', '/'],
      ['/t/demo?x=1', 'demo', '/?x=1'],
      ['/t/Demo/x', 'demo', '/x'],
      ['/t/de%6do/x', 'demo', '/x'],
    ])('%s → tunnel %s, target %s', (url, name, target) => {
      expect(routeRequest(url, '127.0.0.1:4747', 'localhost')).toEqual({ kind: 'tunnel', route: { name, target } });
    });

    it('lower-cases a name after decoding its escapes', () => {
      expect(routeRequest('/t/%44emo/x', 'localhost', undefined)).toEqual({
        kind: 'tunnel',
        route: { name: 'demo', target: '/x' },
      });
    });

    it('leaves a malformed percent-escape in the name as typed', () => {
      expect(routeRequest('/t/de%zz/', 'localhost', undefined)).toEqual({
        kind: 'tunnel',
        route: { name: 'de%zz', target: '/' },
      });
    });
  });

  describe('service routes', () => {
    it.each(['/', '/_hookline/healthz', '/_hookline/connect?name=x', '/tunnel/demo', '/t'])(
      '%s is a service route',
      (url) => {
        expect(routeRequest(url, 'localhost:4747', 'localhost')).toEqual({ kind: 'service' });
      },
    );
  });

  describe('invalid targets', () => {
    it.each(['http://demo.localhost/x', 'https://example.com/', '*', 'demo/x', ''])(
      'refuses %j (not origin-form)',
      (url) => {
        expect(routeRequest(url, 'demo.localhost', 'localhost')).toMatchObject({
          kind: 'invalid',
          message: expect.stringContaining('origin-form'),
        });
      },
    );

    it('refuses a request without a target', () => {
      expect(routeRequest(undefined, 'localhost', 'localhost')).toMatchObject({ kind: 'invalid' });
    });
  });
});

describe('hostName', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['Example.COM', 'example.com'],
    ['example.com:8080', 'example.com'],
    ['[::1]:4747', '[::1]'],
    ['[::1]', '[::1]'],
  ])('%j → %j', (host, expected) => {
    expect(hostName(host)).toBe(expected);
  });
});
