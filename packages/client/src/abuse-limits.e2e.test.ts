import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelay, createToken, type Relay, type RelayOptions } from '@hookline/relay';
import { type Origin, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTunnel } from './connect-tunnel.js';
import { call } from './test-support/http-call.js';

/**
 * The relay's one abuse limiter for token checks, through a real relay that
 * trusts `x-forwarded-for` as a proxy in front of it would set it.
 */
describe('failed token checks (connect, queue API, names API share one limiter)', () => {
  let dataDir: string;
  let token: string;
  let relay: Relay;
  let port: number;
  let local: Origin;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-abuse-'));
    token = (await createToken(dataDir, 'test')).token;
    local = await startOrigin((_req, res) => res.end('ok'));
  });

  afterEach(async () => {
    await relay.close();
    await local.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(options: RelayOptions): Promise<void> {
    relay = createRelay({ dataDir, auth: 'required', trustProxy: true, ...options });
    port = (await relay.listen(0, '127.0.0.1')).port;
  }

  /** One guess, as a caller behind the proxy at `address` would make it, on one of the token routes. */
  function guess(address: string, route: number, bearer = 'hl_guessed-token') {
    const paths = ['/_hookline/connect?name=shop', '/_hookline/api/queues/shop', '/_hookline/api/names/shop'];
    return call(`http://127.0.0.1:${port}${paths[route % 3]}`, {
      method: route % 3 === 2 ? 'DELETE' : 'GET',
      headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': address },
    });
  }

  it('locks out only the guessing address behind a trusted proxy; everyone else still connects', async () => {
    await start({ authFailuresPerMinute: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i += 1) statuses.push((await guess('198.51.100.7', i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);
    const refused = await guess('198.51.100.7', 0);
    expect(refused.headers['hookline-error']).toBe('E_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right token is not checked from the locked-out address: the budget is the address's.
    expect((await guess('198.51.100.7', 1, token)).status).toBe(429);

    // The same proxy relays another caller: untouched.
    await connectTunnel({ relay: relay.url, target: local.port, token, name: 'shop' }).then((t) => t.close());
    expect((await guess('203.0.113.20', 1, token)).status).toBe(200);
  });

  it('bounds guessing from rotating addresses with the global ceiling, without locking out known clients', async () => {
    await start({ authFailuresPerMinute: 5, authFailuresPerMinuteTotal: 20 });
    // A client that authenticated before the attack.
    await connectTunnel({ relay: relay.url, target: local.port, token, name: 'shop' }).then((t) => t.close());
    let checked = 0;
    for (let i = 0; i < 60; i += 1) {
      const res = await guess(`198.51.100.${i}`, i);
      if (res.status === 401) checked += 1;
      else expect(res.headers['hookline-error']).toBe('E_RATE_LIMITED');
    }
    expect(checked).toBe(20);
    const fresh = await guess('192.0.2.44', 0);
    expect(fresh.status).toBe(429);
    expect(fresh.body.toString()).toMatch(/too many failed token checks on this relay; retry in \d+ s/);
    const tunnel = await connectTunnel({ relay: relay.url, target: local.port, token, name: 'shop' });
    expect(tunnel.state.state).toBe('online');
    await tunnel.close();
  });

  it('gives a valid token that does not own the name the same 401, and counts it as a failure', async () => {
    await start({ authFailuresPerMinute: 3 });
    const other = (await createToken(dataDir, 'other')).token;
    await connectTunnel({ relay: relay.url, target: local.port, token, name: 'shop' }).then((t) => t.close());
    const notOwner = await guess('198.51.100.8', 1, other);
    const noSuchToken = await guess('198.51.100.9', 1);
    expect(notOwner.status).toBe(401);
    expect(notOwner.body.toString()).toBe(noSuchToken.body.toString());
    expect((await guess('198.51.100.8', 2, other)).status).toBe(401);
    expect((await guess('198.51.100.8', 2, other)).status).toBe(401);
    expect((await guess('198.51.100.8', 1, other)).status).toBe(429);
  });

  it('makes a refused client say what happened instead of "cannot reach the relay"', async () => {
    await start({ authFailuresPerMinute: 2, trustProxy: false });
    await guess('ignored', 0);
    await guess('ignored', 1);
    await expect(connectTunnel({ relay: relay.url, target: local.port, token, name: 'shop' })).rejects.toMatchObject({
      code: 'E_RATE_LIMITED',
      message: expect.stringMatching(
        /^the relay refused: too many failed token checks from your address; retry in \d+ s$/,
      ),
    });
  });
});

describe('names per token', () => {
  it('refuses a name past the cap with 403 E_TOO_MANY_NAMES; releasing one makes room', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookline-names-'));
    const { token } = await createToken(dataDir, 'test');
    const relay = createRelay({ dataDir, auth: 'required', maxNamesPerToken: 2 });
    const { port } = await relay.listen(0, '127.0.0.1');
    const local = await startOrigin((_req, res) => res.end('ok'));
    try {
      const open = (name: string) => connectTunnel({ relay: relay.url, target: local.port, token, name });
      await open('one').then((t) => t.close());
      await open('two').then((t) => t.close());
      await expect(open('three')).rejects.toMatchObject({
        code: 'E_TOO_MANY_NAMES',
        status: 403,
        message: expect.stringMatching(/already reserved 2 names \(the limit\).*hookline name release/),
      });
      // A name already reserved is not a new one: it still connects.
      await open('two').then((t) => t.close());
      const released = await call(`http://127.0.0.1:${port}/_hookline/api/names/one`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(released.status).toBe(200);
      await open('three').then((t) => t.close());
    } finally {
      await relay.close();
      await local.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
