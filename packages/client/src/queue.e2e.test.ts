import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelay, createToken, type Relay, type RelayOptions } from '@hookline/relay';
import { type Origin, readBody, sampleRequestHead, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTunnel, Tunnel } from './connect-tunnel.js';
import { call } from './test-support/http-call.js';

interface Seen {
  body: string;
  headers: IncomingHttpHeaders;
}

describe('durable offline queue (relay with a data dir, token-owned name)', () => {
  let dataDir: string;
  let token: string;
  let relays: Relay[];
  let tunnels: Tunnel[];
  let origins: Origin[];
  let seen: Seen[];
  let logs: string[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-queue-'));
    token = (await createToken(dataDir, 'test')).token;
    relays = [];
    tunnels = [];
    origins = [];
    seen = [];
    logs = [];
  });

  afterEach(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    for (const relay of relays) await relay.close();
    for (const origin of origins) await origin.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function relayOn(port = 0, options: RelayOptions = {}): Promise<{ relay: Relay; port: number }> {
    const relay = createRelay({
      dataDir,
      auth: 'required',
      queue: { initialDelayMs: 20, maxDelayMs: 40 },
      logger: {
        info: (_f, m) => logs.push(m),
        warn: (_f, m) => logs.push(m),
        error: (f, m) => logs.push(`${m} ${JSON.stringify(f)}`),
      },
      ...options,
    });
    relays.push(relay);
    return { relay, port: (await relay.listen(port, '127.0.0.1')).port };
  }

  async function origin(statuses: number[] = []): Promise<Origin> {
    const local = await startOrigin(async (req, res) => {
      const body = (await readBody(req)).toString();
      seen.push({ body, headers: req.headers });
      res.statusCode = statuses.shift() ?? 200;
      res.end(`got ${body}`);
    });
    origins.push(local);
    return local;
  }

  async function open(relay: Relay, target: number, name = 'shop'): Promise<Tunnel> {
    const tunnel = await connectTunnel({ relay: relay.url, target, token, name, queue: 'serial' });
    tunnels.push(tunnel);
    return tunnel;
  }

  const post = (port: number, body: string, name = 'shop') =>
    call(`http://127.0.0.1:${port}/t/${name}/hook`, { method: 'POST', body });

  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    for (let i = 0; i < 500; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  const api = (port: number, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}/_hookline/api/queues/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  type EntryView = { id: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null };
  const entries = async (port: number): Promise<EntryView[]> =>
    ((await (await api(port, 'shop')).json()) as { entries: EntryView[] }).entries;

  it('answers 202 with hookline-delivery while offline, then delivers in order on reconnect', async () => {
    const { relay, port } = await relayOn();
    const local = await origin();
    const first = await open(relay, local.port);
    await first.close();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(port, `event-${i}`);
      expect(res.status).toBe(202);
      ids.push(String(res.headers['hookline-delivery']));
      expect(JSON.parse(res.body.toString())).toEqual({ queued: true, delivery: ids[i] });
    }
    expect(seen).toHaveLength(0);
    const back = await open(relay, local.port);
    const reports: Array<{ pending: number; failed: number }> = [];
    back.on('queue', (status) => reports.push(status));
    await until(() => seen.length === 5, 'five deliveries');
    expect(seen.map((s) => s.body)).toEqual(['event-0', 'event-1', 'event-2', 'event-3', 'event-4']);
    expect(seen.map((s) => s.headers['hookline-delivery'])).toEqual(ids);
    expect(seen.every((s) => s.headers['hookline-attempt'] === '1')).toBe(true);
    // Each entry leaves the queue only once its 2xx ack is on disk.
    await until(async () => (await entries(port)).length === 0, 'acks');
    // The client hears the queue drain (its inspector shows the count).
    await until(() => back.queue?.pending === 0, 'the drained queue reported');
    expect(reports.at(-1)).toEqual({ pending: 0, failed: 0, delivered: 5 });
  });

  it('gives a live caller the real local response, and the webhook was on disk first', async () => {
    const { relay, port } = await relayOn();
    const local = await origin([201]);
    await open(relay, local.port);
    const res = await post(port, 'live-one');
    expect(res.status).toBe(201);
    expect(res.body.toString()).toBe('got live-one');
    expect(seen[0]?.headers['hookline-delivery']).toMatch(/^dlv_/);
    await until(async () => (await entries(port)).length === 0, 'the ack');
  });

  it('gives a live sender the local 500 and does not deliver that webhook again (the sender decides)', async () => {
    const { relay, port } = await relayOn();
    const local = await origin([500]);
    await open(relay, local.port);
    const first = await post(port, 'answered');
    expect(first.status).toBe(500);
    expect(first.body.toString()).toBe('got answered');
    await until(async () => (await entries(port)).length === 0, 'the entry removed');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toHaveLength(1);
  });

  it('answers 202 to a live sender whose local server gave no answer, and retries it', async () => {
    const { relay, port } = await relayOn();
    const local = await origin();
    const closed = await startOrigin((_req, res) => res.destroy());
    origins.push(closed);
    const tunnel = await connectTunnel({ relay: relay.url, target: closed.port, token, name: 'shop', queue: 'serial' });
    const res = await post(port, 'no-answer');
    expect(res.status).toBe(202);
    await tunnel.close();
    await open(relay, local.port);
    await until(() => seen.length === 1, 'the redelivery');
    expect(seen[0]?.body).toBe('no-answer');
    expect(seen[0]?.headers['hookline-attempt']).toBe('2');
  });

  it('retries a queued webhook with backoff and keeps the same id; attempts are visible', async () => {
    const { relay, port } = await relayOn();
    const local = await origin([500, 500, 500, 200]);
    await (await open(relay, local.port)).close();
    expect((await post(port, 'flaky')).status).toBe(202);
    await open(relay, local.port);
    await until(() => seen.length === 4, 'four attempts');
    expect(seen.map((s) => s.headers['hookline-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(new Set(seen.map((s) => s.headers['hookline-delivery'])).size).toBe(1);
    await until(() => logs.filter((line) => line === 'queued delivery failed').length === 3, 'three failure logs');
    await until(async () => (await entries(port)).length === 0, 'the ack');
  });

  it('keeps a webhook as failed after its last try, lists it, and delivers it on retry', async () => {
    const { relay, port } = await relayOn(0, { queue: { initialDelayMs: 10, maxDelayMs: 10, maxAttempts: 2 } });
    const local = await origin([503, 503]);
    await (await open(relay, local.port)).close();
    expect((await post(port, 'doomed')).status).toBe(202);
    await open(relay, local.port);
    await until(() => seen.length === 2, 'two attempts');
    await until(async () => (await entries(port))[0]?.state === 'failed', 'the failed state');
    const [failed] = await entries(port);
    expect(failed).toMatchObject({
      state: 'failed',
      attempts: 2,
      lastStatus: 503,
      lastError: 'HTTP 503',
      method: 'POST',
    });
    const retry = await api(port, 'shop/retry', { method: 'POST', body: JSON.stringify({ failed: true }) });
    expect(((await retry.json()) as { retried: string[] }).retried).toEqual([failed?.id]);
    await until(() => seen.length === 3, 'the retried delivery');
    expect(seen[2]?.body).toBe('doomed');
    expect(seen[2]?.headers['hookline-delivery']).toBe(failed?.id);
    await until(async () => (await entries(port)).length === 0, 'the ack');
  });

  it('refuses a queue mode outside the one rule before connecting (parallel:70, parallel:0, a typo)', async () => {
    const { relay } = await relayOn();
    for (const queue of ['parallel:70', 'parallel:0', 'paralel:4', 'serial ']) {
      expect(() => new Tunnel({ relay: relay.url, target: 1, token, name: 'shop', queue: queue as 'serial' })).toThrow(
        expect.objectContaining({ code: 'E_BAD_REQUEST', message: expect.stringContaining(`not "${queue}"`) }),
      );
    }
  });

  it('answers the queue API by code: 400 E_BAD_REQUEST for a bad body, 404 E_DELIVERY_NOT_FOUND for an unknown id', async () => {
    const { relay, port } = await relayOn();
    const local = await origin();
    await (await open(relay, local.port)).close();
    const refusals = [
      await api(port, 'shop/retry', { method: 'POST', body: '{"id": 7}' }),
      await api(port, 'shop/retry', { method: 'POST', body: 'not json' }),
      await api(port, 'shop/retry', { method: 'POST', body: JSON.stringify({ id: 'no-such-delivery' }) }),
      await api(port, 'shop/entries/no-such-delivery', { method: 'DELETE' }),
    ];
    const seenRefusals = await Promise.all(
      refusals.map(async (res) => ({
        status: res.status,
        header: res.headers.get('hookline-error'),
        code: ((await res.json()) as { error: { code: string } }).error.code,
      })),
    );
    expect(seenRefusals).toEqual([
      { status: 400, header: 'E_BAD_REQUEST', code: 'E_BAD_REQUEST' },
      { status: 400, header: 'E_BAD_REQUEST', code: 'E_BAD_REQUEST' },
      { status: 404, header: 'E_DELIVERY_NOT_FOUND', code: 'E_DELIVERY_NOT_FOUND' },
      { status: 404, header: 'E_DELIVERY_NOT_FOUND', code: 'E_DELIVERY_NOT_FOUND' },
    ]);
  });

  it('answers 507 E_QUEUE_FULL when the queue is at its cap, and stores nothing', async () => {
    const { relay, port } = await relayOn(0, { queue: { maxEntries: 2 } });
    const local = await origin();
    await (await open(relay, local.port)).close();
    expect((await post(port, 'a')).status).toBe(202);
    expect((await post(port, 'b')).status).toBe(202);
    const full = await post(port, 'c');
    expect(full.status).toBe(507);
    expect(full.headers['hookline-error']).toBe('E_QUEUE_FULL');
    expect(full.headers['retry-after']).toBe('60');
  });

  it('keeps the backlog across a relay restart on the same data dir', async () => {
    const first = await relayOn();
    const local = await origin();
    await (await open(first.relay, local.port)).close();
    for (const body of ['x', 'y', 'z']) expect((await post(first.port, body)).status).toBe(202);
    await first.relay.close();
    const second = await relayOn(first.port);
    expect((await post(second.port, 'after-restart')).status).toBe(202);
    await open(second.relay, local.port);
    await until(() => seen.length === 4, 'four deliveries');
    expect(seen.map((s) => s.body)).toEqual(['x', 'y', 'z', 'after-restart']);
  });

  it('imports an old per-tunnel queue log once, skipping (and reporting) only its unreadable line', async () => {
    const queues = join(dataDir, 'queues');
    mkdirSync(queues, { recursive: true });
    const enqueue = (id: string, body: string) =>
      JSON.stringify({
        op: 'enqueue',
        id,
        seq: 1,
        receivedAt: Date.now(),
        head: sampleRequestHead('/hook'),
        body: Buffer.from(body).toString('base64'),
      });
    const lines = [enqueue('dlv_old1', 'old-1'), 'not json at all', enqueue('dlv_old2', 'old-2')];
    lines.push(JSON.stringify({ op: 'done', id: 'dlv_old2', status: 200, reason: 'acked' }));
    lines.push(enqueue('dlv_old3', 'old-3'));
    writeFileSync(join(queues, 'shop.log'), `${lines.join('\n')}\n{"op":"enq`);
    const { relay } = await relayOn();
    expect(readdirSync(queues)).toEqual(['shop.log.migrated']);
    expect(logs.some((line) => line.includes('unreadable record skipped') && line.includes('"line":2'))).toBe(true);
    const local = await origin();
    await open(relay, local.port);
    await until(() => seen.length === 2, 'the two live old webhooks');
    expect(seen.map((s) => [s.body, s.headers['hookline-delivery']])).toEqual([
      ['old-1', 'dlv_old1'],
      ['old-3', 'dlv_old3'],
    ]);
  });

  it('refuses a queue without a token, and a token-owned name to anyone else', async () => {
    const { relay, port } = await relayOn();
    const local = await origin();
    await expect(
      connectTunnel({ relay: relay.url, target: local.port, name: 'shop', queue: 'serial' }),
    ).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
    await (await open(relay, local.port)).close();
    const other = (await createToken(dataDir, 'other')).token;
    await expect(
      connectTunnel({ relay: relay.url, target: local.port, token: other, name: 'shop' }),
    ).rejects.toMatchObject({ code: 'E_NAME_TAKEN' });
    const asking = (bearer: string) =>
      fetch(`http://127.0.0.1:${port}/_hookline/api/queues/shop`, { headers: { authorization: `Bearer ${bearer}` } });
    // A valid token that does not own the name gets exactly what a made-up token gets: no oracle.
    const forbidden = await asking(other);
    const madeUp = await asking('hl_not-a-token');
    expect(forbidden.status).toBe(401);
    expect(madeUp.status).toBe(401);
    expect(forbidden.headers.get('hookline-error')).toBe('E_UNAUTHORIZED');
    expect(await forbidden.text()).toBe(await madeUp.text());
  });

  it('lets only the owner release a name, never while webhooks wait, and expires unused names', async () => {
    const { relay, port } = await relayOn(0, { nameTtlMs: 60 * 60 * 1000 });
    const local = await origin();
    await (await open(relay, local.port)).close();
    expect((await post(port, 'waiting')).status).toBe(202);
    const release = (who: string) =>
      fetch(`http://127.0.0.1:${port}/_hookline/api/names/shop`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${who}` },
      });
    const other = (await createToken(dataDir, 'other')).token;
    expect((await release(other)).status).toBe(401);
    const refused = await release(token);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('hookline-error')).toBe('E_QUEUE_NOT_EMPTY');
    expect(await refused.json()).toMatchObject({ error: { code: 'E_QUEUE_NOT_EMPTY' } });
    const [entry] = await entries(port);
    await api(port, `shop/entries/${entry?.id}`, { method: 'DELETE' });
    expect((await release(token)).status).toBe(200);
    // Now anyone's token may claim it.
    const taken = await connectTunnel({ relay: relay.url, target: local.port, token: other, name: 'shop' });
    tunnels.push(taken);
    expect(taken.name).toBe('shop');
  });

  it('frees a reserved name the operator let expire, at the next start', async () => {
    const first = await relayOn();
    const local = await origin();
    await (await connectTunnel({ relay: first.relay.url, target: local.port, token, name: 'stale' })).close();
    await first.relay.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { port } = await relayOn(first.port, { nameTtlMs: 20 });
    expect(logs).toContain('unused name reservations expired');
    expect((await post(port, 'x', 'stale')).status).toBe(404);
  });

  it('answers 503 E_TUNNEL_OFFLINE for a reserved name without a queue while its client is away', async () => {
    const { relay, port } = await relayOn();
    const local = await origin();
    const tunnel = await connectTunnel({ relay: relay.url, target: local.port, token, name: 'plain' });
    await tunnel.close();
    const res = await post(port, 'x', 'plain');
    expect(res.status).toBe(503);
    expect(res.headers['hookline-error']).toBe('E_TUNNEL_OFFLINE');
  });
});
