import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelay, createToken, type Relay } from '@hookline/relay';
import { readBody, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTunnel, type Tunnel, type TunnelOptions } from './connect-tunnel.js';
import type { ExchangeEvent } from './events.js';
import { call } from './test-support/http-call.js';

const ACCEPTED = {
  status: 202,
  headers: ['content-type', 'application/json', 'x-note', 'stand-in'],
  body: Buffer.from('{"ok":true}'),
};

describe('offline response (--offline-response)', () => {
  let dataDir: string;
  let token: string;
  let relay: Relay;
  let port: number;
  let tunnels: Tunnel[];
  let servers: Server[];
  /** A port nothing listens on (until a test starts its server there). */
  let downPort: number;
  let seen: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-offline-'));
    token = (await createToken(dataDir, 'test')).token;
    relay = createRelay({ dataDir, auth: 'required', queue: { initialDelayMs: 20, maxDelayMs: 40 } });
    port = (await relay.listen(0, '127.0.0.1')).port;
    tunnels = [];
    servers = [];
    seen = [];
    const probe = await startOrigin(() => {});
    downPort = probe.port;
    await probe.close();
  });

  afterEach(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    await relay.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(options: Partial<TunnelOptions> = {}): Promise<Tunnel> {
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: downPort,
      token,
      name: 'hooks',
      offlineResponse: ACCEPTED,
      ...options,
    });
    tunnels.push(tunnel);
    return tunnel;
  }

  /** Bring the local server up on the port the tunnel forwards to. */
  async function startLocal(): Promise<void> {
    const server = createServer(async (req, res) => {
      seen.push((await readBody(req)).toString());
      res.end('ok');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(downPort, '127.0.0.1', resolve));
  }

  const post = (body: string) =>
    call(`http://127.0.0.1:${port}/t/hooks/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });

  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 500; i++) {
      if (check()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('answers for a refused local server (client side) and for an offline tunnel (relay side), marked', async () => {
    const tunnel = await open();
    const exchanges: ExchangeEvent[] = [];
    tunnel.on('exchange', (event) => exchanges.push(event));
    const refused = await post('{"id":1}');
    expect(refused.status).toBe(202);
    expect(refused.body.toString()).toBe('{"ok":true}');
    expect(refused.headers['content-type']).toBe('application/json');
    expect(refused.headers['x-note']).toBe('stand-in');
    expect(refused.headers['hookline-offline-response']).toBe('1');
    await until(() => exchanges.length === 1, 'the exchange event');
    // The capture still says what happened.
    expect(exchanges[0]).toMatchObject({ status: 202, error: { code: 'E_LOCAL_REFUSED' } });

    await tunnel.close();
    const offline = await post('{"id":2}');
    expect(offline.status).toBe(202);
    expect(offline.body.toString()).toBe('{"ok":true}');
    expect(offline.headers['hookline-offline-response']).toBe('1');
    expect(offline.headers['hookline-error']).toBe('E_TUNNEL_OFFLINE');
  });

  it('changes nothing for a tunnel that declared none: 502 refused, 503 offline', async () => {
    const tunnel = await connectTunnel({ relay: relay.url, target: downPort, token, name: 'plain' });
    tunnels.push(tunnel);
    const target = `http://127.0.0.1:${port}/t/plain/hook`;
    const refused = await call(target, { method: 'POST', body: 'x' });
    expect(refused.status).toBe(502);
    expect(refused.headers['hookline-error']).toBe('E_LOCAL_REFUSED');
    await tunnel.close();
    const offline = await call(target, { method: 'POST', body: 'x' });
    expect(offline.status).toBe(503);
    expect(offline.headers['hookline-offline-response']).toBeUndefined();
  });

  it('with --queue: the caller gets the declared answer, the webhook is still queued and delivered on reconnect', async () => {
    const first = await open({ queue: 'serial' });
    await first.close();
    const queued = await post('{"id":"late"}');
    expect(queued.status).toBe(202);
    expect(queued.body.toString()).toBe('{"ok":true}');
    expect(queued.headers['hookline-offline-response']).toBe('1');
    expect(queued.headers['hookline-delivery']).toMatch(/^dlv_/);
    await startLocal();
    await open({ queue: 'serial' });
    await until(() => seen.length === 1, 'the queued delivery');
    expect(seen).toEqual(['{"id":"late"}']);
  });

  it('with --queue and the client online but the local server down: answered, kept, delivered once it is up', async () => {
    await open({ queue: 'serial' });
    const answered = await post('{"id":"retry-me"}');
    expect(answered.status).toBe(202);
    expect(answered.headers['hookline-offline-response']).toBe('1');
    expect(answered.headers['hookline-delivery']).toMatch(/^dlv_/);
    // The client did not stand in for a queued delivery (a 2xx would have dropped it): it is retried.
    await startLocal();
    await until(() => seen.length === 1, 'the retried delivery');
    expect(seen).toEqual(['{"id":"retry-me"}']);
  });

  it('refuses an oversize offline response, or one with framing headers, at connect', async () => {
    await expect(
      open({ offlineResponse: { status: 202, headers: [], body: Buffer.alloc(65 * 1024, 'a') } }),
    ).rejects.toMatchObject({ code: 'E_PROTOCOL', message: expect.stringContaining('offlineResponse.body') });
    await expect(
      open({ offlineResponse: { status: 202, headers: ['content-length', '5'], body: Buffer.from('hello') } }),
    ).rejects.toMatchObject({ code: 'E_PROTOCOL', message: expect.stringContaining('framing headers') });
  });
});
