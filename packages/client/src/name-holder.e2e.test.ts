import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, encodeFrame, type Frame, FrameType, PROTOCOL_VERSION } from '@hookline/protocol';
import { createRelay, createToken, type Relay } from '@hookline/relay';
import { type Origin, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import type { TunnelState } from './events.js';
import { call } from './test-support/http-call.js';

/**
 * A raw protocol-v1 connection with a chosen clientId (the Tunnel class keeps its
 * own private); `autoPong: false` makes it a peer that stopped answering heartbeats.
 */
async function rawSession(
  relayUrl: string,
  token: string,
  clientId: string,
  autoPong = true,
): Promise<{ socket: WebSocket; first: Frame }> {
  const url = `${relayUrl.replace('http', 'ws')}/_hookline/connect?name=shop&client=${clientId}`;
  const headers = { authorization: `Bearer ${token}` };
  const socket = new WebSocket(url, { headers, perMessageDeflate: false, autoPong });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const first = new Promise<Frame>((resolve) =>
    socket.once('message', (data: Buffer) => {
      const decoded = decodeMessage(data);
      if (decoded.ok && decoded.frames[0]) resolve(decoded.frames[0]);
    }),
  );
  const hello = { versions: [PROTOCOL_VERSION], clientId, name: 'shop' };
  socket.send(encodeFrame({ type: FrameType.HELLO, stream: 0, message: hello }));
  return { socket, first: await first };
}

function stateOf(tunnel: Tunnel, wanted: TunnelState['state']): Promise<TunnelState> {
  return new Promise((resolve) => {
    if (tunnel.state.state === wanted) return resolve(tunnel.state);
    const listener = (state: TunnelState) => {
      if (state.state !== wanted) return;
      tunnel.off('state', listener);
      resolve(state);
    };
    tunnel.on('state', listener);
  });
}

describe('one client per name', () => {
  let dataDir: string;
  let token: string;
  let relay: Relay;
  let port: number;
  let locals: Origin[];
  let tunnels: Tunnel[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-holder-'));
    token = (await createToken(dataDir, 'test')).token;
    relay = createRelay({ dataDir, auth: 'required' });
    port = (await relay.listen(0, '127.0.0.1')).port;
    locals = [];
    tunnels = [];
  });

  afterEach(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    await relay.close();
    for (const local of locals) await local.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function terminal(label: string, takeover = false): Promise<Tunnel> {
    const local = await startOrigin((_req, res) => res.end(label));
    locals.push(local);
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: local.port,
      token,
      name: 'shop',
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      ...(takeover ? { takeover } : {}),
    });
    tunnels.push(tunnel);
    return tunnel;
  }

  const answer = async () => (await call(`http://127.0.0.1:${port}/t/shop/`)).body.toString();

  it('refuses a second terminal with the same token and name (409 E_NAME_IN_USE, where and since when)', async () => {
    const first = await terminal('first');
    await expect(terminal('second')).rejects.toMatchObject({
      code: 'E_NAME_IN_USE',
      status: 409,
      message: expect.stringMatching(
        /^the relay refused: tunnel name "shop" is in use by another client from 127\.0\.0\.1 since \d{4}-\d\d-\d\dT.*--takeover/,
      ),
    });
    expect(first.state.state).toBe('online');
    expect(await answer()).toBe('first');
  });

  it('replaces the live client with --takeover; the replaced one fails with a clear reason and stays down', async () => {
    const first = await terminal('first');
    const failed = stateOf(first, 'failed');
    const second = await terminal('second', true);
    expect(await failed).toMatchObject({
      state: 'failed',
      code: 'E_NAME_IN_USE',
      message: expect.stringMatching(/taken over by another client from 127\.0\.0\.1 \(--takeover\); this one stops/),
    });
    expect(second.state.state).toBe('online');
    expect(await answer()).toBe('second');
    expect(relay.tunnelCount).toBe(1);
    expect(first.state.state).toBe('failed');
  });

  it('does not keep a name for a holder that stopped answering heartbeats: a newcomer gets it at once', async () => {
    // A laptop that changed networks: its old connection still looks open, but nothing answers a ping.
    const silent = await rawSession(relay.url, token, 'silent-client-0000000', false);
    expect(silent.first.type).toBe(FrameType.READY);
    const gone = new Promise<void>((resolve) => silent.socket.once('close', () => resolve()));
    const newcomer = await terminal('newcomer');
    expect(newcomer.state.state).toBe('online');
    await gone;
    expect(await answer()).toBe('newcomer');
  });

  it('gives a client its name back at once when its own old connection is half-dead (same clientId)', async () => {
    const clientId = 'same-client-000000000';
    const old = await rawSession(relay.url, token, clientId);
    expect(old.first.type).toBe(FrameType.READY);
    const closed = new Promise<Frame | null>((resolve) => {
      old.socket.once('message', (data: Buffer) => {
        const decoded = decodeMessage(data);
        resolve(decoded.ok ? (decoded.frames[0] ?? null) : null);
      });
    });
    // The old socket stays open (the relay has not seen it die): the reconnect still wins.
    const fresh = await rawSession(relay.url, token, clientId);
    expect(fresh.first.type).toBe(FrameType.READY);
    // The stale session is closed with a code a client retries on, not E_NAME_IN_USE.
    expect(await closed).toMatchObject({ type: FrameType.ERROR, message: { code: 'E_TUNNEL_CLOSED' } });
    // Another client is still refused, before any WebSocket exists.
    const other = await call(`http://127.0.0.1:${port}/_hookline/connect?name=shop&client=other-client-0000000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(other.status).toBe(409);
    expect(other.headers['hookline-error']).toBe('E_NAME_IN_USE');
    for (const socket of [old.socket, fresh.socket]) socket.terminate();
  });
});
