import { describe, expect, it } from 'vitest';
import { clusterHop, hopOrAnswer } from './cluster-hop.js';
import type { Destination } from './find-tunnel.js';
import type { TunnelSession } from './tunnel-session.js';

const route = { name: 'shop', target: '/hook' };
const notFound: Destination = { kind: 'error', code: 'E_TUNNEL_NOT_FOUND', message: 'none', name: 'shop' };
const offline: Destination = { kind: 'error', code: 'E_TUNNEL_OFFLINE', message: 'offline', name: 'shop' };

describe('clusterHop', () => {
  it('asks the other nodes for a tunnel not held here, and refuses when the routing table cannot be read', () => {
    expect(clusterHop(notFound, false)).toEqual({ name: 'shop', unreachable: 'refuse' });
    expect(clusterHop(offline, false)).toEqual({ name: 'shop', unreachable: 'refuse' });
  });

  it('sends a queued webhook to the node holding its tunnel, or stores it here when none can be found', () => {
    const queued: Destination = { kind: 'queued', route, access: undefined, heldHere: false };
    expect(clusterHop(queued, false)).toEqual({ name: 'shop', unreachable: 'answer here' });
    expect(clusterHop({ ...queued, heldHere: true }, false)).toBeNull();
  });

  it('never makes a second hop: a request another node forwarded is answered here', () => {
    expect(clusterHop(notFound, true)).toBeNull();
    expect(clusterHop({ kind: 'queued', route, access: undefined, heldHere: false }, true)).toBeNull();
  });

  it('answers here what no other node could change: refusals of the tunnel itself, live sessions, service routes', () => {
    for (const code of ['E_TUNNEL_AUTH', 'E_FORBIDDEN', 'E_RATE_LIMITED', 'E_HEADERS_TOO_LARGE'] as const) {
      expect(clusterHop({ kind: 'error', code, message: 'no', name: 'shop' }, false)).toBeNull();
    }
    expect(clusterHop({ kind: 'error', code: 'E_BAD_REQUEST', message: 'absolute-form' }, false)).toBeNull();
    const session = {} as TunnelSession;
    expect(clusterHop({ kind: 'tunnel', route, session }, false)).toBeNull();
    expect(clusterHop({ kind: 'service' }, false)).toBeNull();
  });
});

describe('hopOrAnswer', () => {
  const run = (proxied: Promise<boolean>, unreachable: 'answer here' | 'refuse') =>
    new Promise<string>((resolve) => {
      hopOrAnswer(
        { name: 'shop', unreachable },
        proxied,
        () => resolve('here'),
        () => resolve('refused'),
      );
      void proxied.then(
        (done) => done && setImmediate(() => resolve('proxied')),
        () => {},
      );
    });

  it('leaves a request another node took, and answers here when no node holds the tunnel', async () => {
    expect(await run(Promise.resolve(true), 'refuse')).toBe('proxied');
    expect(await run(Promise.resolve(false), 'refuse')).toBe('here');
  });

  it('answers or refuses as the hop says when the routing table cannot be read', async () => {
    expect(await run(Promise.reject(new Error('redis down')), 'answer here')).toBe('here');
    expect(await run(Promise.reject(new Error('redis down')), 'refuse')).toBe('refused');
  });
});
