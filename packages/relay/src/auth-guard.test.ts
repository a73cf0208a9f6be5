import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AuthGuard, addressKey } from './auth-guard.js';

/** Just what the guard reads of a request: the socket address and x-forwarded-for. */
function from(socket: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: socket },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

function guardAt(options: { perAddress?: number; total?: number; trustProxy?: boolean } = {}) {
  const clock = { now: 1_000_000 };
  const guard = new AuthGuard({
    perAddressPerMinute: options.perAddress ?? 3,
    totalPerMinute: options.total ?? 100,
    trustProxy: options.trustProxy ?? true,
    now: () => clock.now,
  });
  return { guard, clock };
}

async function fail(guard: AuthGuard, req: IncomingMessage, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    expect(await guard.check(req)).toBeNull();
    await guard.record(req, false);
  }
}

describe('AuthGuard', () => {
  it('refuses an address past its failures, naming the wait, and lets it try again once refilled', async () => {
    const { guard, clock } = guardAt({ perAddress: 3 });
    const stranger = from('10.0.0.1', '198.51.100.7');
    await fail(guard, stranger, 3);
    expect(await guard.check(stranger)).toEqual({
      code: 'E_RATE_LIMITED',
      message: 'too many failed token checks from your address; retry in 20 s',
      retryAfterSeconds: 20,
    });
    clock.now += 20_000;
    expect(await guard.check(stranger)).toBeNull();
  });

  it('behind a trusted proxy, one stranger spends his own budget, not that of others behind the same proxy', async () => {
    const { guard } = guardAt({ perAddress: 3 });
    await fail(guard, from('10.0.0.1', '198.51.100.7'), 3);
    expect(await guard.check(from('10.0.0.1', '198.51.100.7'))).not.toBeNull();
    expect(await guard.check(from('10.0.0.1', '203.0.113.9'))).toBeNull();
  });

  it('without trustProxy, x-forwarded-for is ignored: rotating it buys nothing', async () => {
    const { guard } = guardAt({ perAddress: 3, trustProxy: false });
    for (let i = 0; i < 3; i += 1) await guard.record(from('192.0.2.1', `198.51.100.${i}`), false);
    expect((await guard.check(from('192.0.2.1', '198.51.100.99')))?.message).toMatch(/from your address/);
  });

  it('caps failures from all addresses together, but keeps letting in addresses that passed a check', async () => {
    const { guard } = guardAt({ perAddress: 3, total: 10 });
    const regular = from('10.0.0.1', '203.0.113.5');
    expect(await guard.check(regular)).toBeNull();
    await guard.record(regular, true);
    // A guesser rotating addresses: 2 failures each from 5 addresses exhaust the ceiling.
    for (let i = 0; i < 5; i += 1) await fail(guard, from('10.0.0.1', `198.51.100.${i}`), 2);
    const fresh = await guard.check(from('10.0.0.1', '198.51.100.200'));
    expect(fresh?.message).toMatch(/^too many failed token checks on this relay; retry in \d+ s$/);
    expect(await guard.check(regular)).toBeNull();
  });

  it('never counts successes', async () => {
    const { guard } = guardAt({ perAddress: 1, total: 1 });
    const good = from('10.0.0.1', '203.0.113.5');
    for (let i = 0; i < 50; i += 1) await guard.record(good, true);
    expect(await guard.check(good)).toBeNull();
    expect(await guard.check(from('10.0.0.1', '203.0.113.6'))).toBeNull();
  });

  it('counts IPv6 callers per /64, and IPv4-mapped addresses as IPv4', async () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5');
    const { guard } = guardAt({ perAddress: 2 });
    await guard.record(from('10.0.0.1', '2001:db8:1:2::1'), false);
    await guard.record(from('10.0.0.1', '2001:db8:1:2::2'), false);
    expect(await guard.check(from('10.0.0.1', '2001:db8:1:2:ffff::3'))).not.toBeNull();
    expect(await guard.check(from('10.0.0.1', '2001:db8:1:3::1'))).toBeNull();
  });
});
