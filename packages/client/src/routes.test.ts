import { sampleRequestHead } from '@hookline/testing';
import { describe, expect, it } from 'vitest';
import { Tunnel } from './connect-tunnel.js';
import { chooseRoute } from './route-match.js';
import { forwardPath, parseRouteFlag, parseRouteMatch } from './routes.js';

describe('route syntax', () => {
  it('parses paths, events (with * and the svix alias) and default', () => {
    expect(parseRouteMatch('/stripe/')).toEqual({ kind: 'path', prefix: '/stripe' });
    expect(parseRouteMatch('default')).toEqual({ kind: 'default' });
    const event = parseRouteMatch('svix:user.*');
    expect(event).toMatchObject({ kind: 'event', provider: 'standard' });
    if (event.kind !== 'event') return;
    expect(event.pattern.test('user.created')).toBe(true);
    expect(event.pattern.test('xuser.created')).toBe(false);
    expect(parseRouteFlag('/github=http://127.0.0.1:4000/hooks?x=a=b')).toEqual({
      match: '/github',
      target: 'http://127.0.0.1:4000/hooks?x=a=b',
    });
  });

  it('refuses bad routes, naming them', () => {
    expect(() => parseRouteFlag('/stripe')).toThrow('route "/stripe": write <match>=<target>');
    expect(() => parseRouteFlag('=3000')).toThrow(/write <match>=<target>/);
    expect(() => parseRouteMatch('paypal:PAYMENT.*')).toThrow(/event routes know github, shopify, stripe, standard/);
    expect(() => parseRouteMatch('stripe:invoice paid')).toThrow(/route "stripe:invoice paid": the event type/);
    expect(() => parseRouteMatch('stripe')).toThrow(/match a path \(\/stripe\), an event/);
    expect(() => parseRouteMatch('/a?b')).toThrow(/no spaces, \? or #/);
    // A regex metacharacter in a type is literal.
    const dot = parseRouteMatch('github:a.b');
    expect(dot.kind === 'event' && dot.pattern.test('aXb')).toBe(false);
  });

  it('maps paths as proxy_pass does: a target path replaces the prefix', () => {
    const hooks = new URL('http://127.0.0.1:4000/hooks');
    const prefix = parseRouteMatch('/github');
    expect(forwardPath('/github/push?a=1', prefix, hooks)).toBe('/hooks/push?a=1');
    expect(forwardPath('/github?a=1', prefix, hooks)).toBe('/hooks?a=1');
    expect(forwardPath('/github/push', prefix, new URL('http://127.0.0.1:4000'))).toBe('/github/push');
    expect(forwardPath('/any', parseRouteMatch('default'), hooks)).toBe('/hooks/any');
  });
});

describe('chooseRoute', () => {
  const rules = ['/a', 'stripe:invoice.*', 'github:push', 'default'].map(parseRouteMatch);
  const head = (target: string, headers: string[] = []) => sampleRequestHead(target, { headers });

  it('takes the first match, waits for a body type, passes over one too long to wait for', () => {
    expect(chooseRoute(rules, head('/a/x'), 'pending')).toEqual({ kind: 'route', index: 0 });
    const stripe = head('/s', ['Stripe-Signature', 't=1,v1=00']);
    expect(chooseRoute(rules, stripe, 'pending')).toEqual({ kind: 'wait' });
    expect(chooseRoute(rules, stripe, Buffer.from('{"type":"invoice.paid"}'))).toEqual({ kind: 'route', index: 1 });
    expect(chooseRoute(rules, stripe, Buffer.from('not json'))).toEqual({ kind: 'route', index: 3 });
    expect(chooseRoute(rules, stripe, 'too-large')).toEqual({ kind: 'route', index: 3 });
    expect(chooseRoute(rules, head('/g', ['x-github-event', 'push']), 'pending')).toEqual({ kind: 'route', index: 2 });
    expect(chooseRoute(rules.slice(0, 3), head('/z'), 'pending')).toEqual({ kind: 'default' });
  });

  it('never matches an event type longer than providers use (a long one only costs time)', () => {
    const globs = [parseRouteMatch('github:a*a*a*a*a*a*b')];
    const long = head('/g', ['x-github-event', `${'a'.repeat(5000)}c`]);
    expect(chooseRoute(globs, long, 'pending')).toEqual({ kind: 'default' });
    expect(chooseRoute(globs, head('/g', ['x-github-event', 'aaaaaab']), 'pending')).toEqual({
      kind: 'route',
      index: 0,
    });
  });

  it('a tunnel takes at most 64 routes', () => {
    const routes = Array.from({ length: 65 }, (_, i) => ({ match: `/r${i}`, target: 3000 }));
    expect(() => new Tunnel({ relay: 'http://127.0.0.1:1', target: 3000, routes })).toThrow(
      /at most 64 routes, not 65/,
    );
  });
});
