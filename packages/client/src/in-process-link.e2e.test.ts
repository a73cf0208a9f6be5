import { createRelay, type Relay } from '@hookline/relay';
import { type Origin, startOrigin } from '@hookline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import { call } from './test-support/http-call.js';

/**
 * What only the in-process link does (the embedded relay of `hookline http`):
 * the checks the WebSocket upgrade makes are made here too, and the link follows
 * the relay's life. tunnel.e2e.test.ts runs the whole exchange suite over it.
 */
describe('in-process link: admission and lifetime', () => {
  let local: Origin;
  const open: Array<Tunnel | Relay> = [];
  const relayWith = async (options: Parameters<typeof createRelay>[0]) => {
    const relay = createRelay(options);
    await relay.listen(0, '127.0.0.1');
    open.push(relay);
    return relay;
  };
  const tunnelTo = async (options: Parameters<typeof connectTunnel>[0]) => {
    const tunnel = await connectTunnel(options);
    open.unshift(tunnel);
    return tunnel;
  };

  beforeAll(async () => {
    local = await startOrigin((req, res) => res.end(`local saw ${req.method} ${req.url}`));
  });
  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
  });
  afterAll(() => local?.close());

  it('refuses a wrong token as the upgrade would, and never retries it', async () => {
    const relay = await relayWith({ tokens: ['right-token'] });
    await expect(connectTunnel({ relay, target: local.port, token: 'wrong-token' })).rejects.toMatchObject({
      code: 'E_UNAUTHORIZED',
      message: expect.stringMatching(/^the relay refused: missing or invalid token/),
    });
    await expect(connectTunnel({ relay, target: local.port })).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
    const tunnel = await tunnelTo({ relay, target: local.port, token: 'right-token', name: 'mine' });
    const res = await call(`${relay.url}/t/mine/hook?x=1`, { method: 'POST', body: '{}' });
    expect([res.status, res.body.toString()]).toEqual([200, 'local saw POST /hook?x=1']);
    expect(tunnel.state.state).toBe('online');
  });

  it('refuses a name another token owns, and a name that breaks the rules, before any session', async () => {
    const relay = await relayWith({ tokens: ['token-a', 'token-b'] });
    const first = await tunnelTo({ relay, target: local.port, token: 'token-a', name: 'owned' });
    await first.close();
    await expect(connectTunnel({ relay, target: local.port, token: 'token-b', name: 'owned' })).rejects.toMatchObject({
      code: 'E_NAME_TAKEN',
      message: expect.stringMatching(/belongs to another token/),
    });
    await expect(connectTunnel({ relay, target: local.port, token: 'token-a', name: '-bad-' })).rejects.toMatchObject({
      code: 'E_NAME_INVALID',
    });
    expect(relay.tunnelCount).toBe(0);
  });

  it('answers the relay’s heartbeat: a session with a fast heartbeat stays online', async () => {
    const relay = await relayWith({ heartbeatIntervalMs: 40 });
    const tunnel = await tunnelTo({ relay, target: local.port, name: 'beating' });
    // Ten heartbeats: a session that missed a pong would have been terminated after two.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(relay.tunnelCount).toBe(1);
    expect(tunnel.state.state).toBe('online');
    expect((await call(`${relay.url}/t/beating/`)).status).toBe(200);
  });

  it('frees the name when the tunnel closes, and a stopping relay sends the tunnel to reconnecting', async () => {
    const relay = await relayWith({});
    const tunnel = await tunnelTo({ relay, target: local.port, name: 'short-lived' });
    await tunnel.close();
    expect(relay.tunnelCount).toBe(0);
    const again = await tunnelTo({ relay, target: local.port, name: 'short-lived', reconnect: { initialDelayMs: 20 } });
    const next = new Promise<string>((resolve) => again.once('state', (state) => resolve(state.state)));
    await relay.close();
    expect(await next).toBe('reconnecting');
    await expect(connectTunnel({ relay, target: local.port })).rejects.toMatchObject({ code: 'E_RELAY_SHUTDOWN' });
  });
});
