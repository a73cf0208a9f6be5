import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFrame, FrameType } from '@hookline/protocol';
import { createToken, revokeToken } from '@hookline/relay';
import {
  memoryOf,
  type NodeChild,
  type Origin,
  type RelayReady,
  relayStats,
  spawnRelay,
  startOrigin,
} from '@hookline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import { call } from './test-support/http-call.js';

const MiB = 1024 * 1024;

/** Send raw bytes, return everything the relay answers until it closes (or `waitMs` passes). */
function raw(port: number, bytes: string | Buffer, waitMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      done();
    });
    socket.write(bytes);
  });
}

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);
const codeOf = (response: string) => /hookline-error: (\S+)/i.exec(response)?.[1];

describe('bad input against a relay process (one test per row)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bad-input-'));
  let relay: NodeChild<RelayReady>;
  let local: Origin;
  let token: string;
  let tunnels: Tunnel[] = [];
  let baseRss = 0;
  let good: Tunnel;

  beforeAll(async () => {
    token = (await createToken(dataDir, 'good')).token;
    local = await startOrigin((req, res) => {
      req.resume();
      req.on('end', () => res.end(`ok ${req.url}`));
    });
    relay = await spawnRelay(
      {
        options: {
          dataDir,
          auth: 'required',
          maxBodyBytes: MiB,
          headersTimeoutMs: 500,
          tunnelRate: { perSecond: 80, burst: 80 },
          authFailuresPerMinute: 1_000,
        },
      },
      { nodeArgs: ['--expose-gc'] },
    );
    good = await open({ name: 'good' });
    baseRss = memoryOf(relay.pid).rss;
  });

  afterEach(async () => {
    for (const tunnel of tunnels.filter((t) => t !== good)) await tunnel.close();
    tunnels = [good];
    // After every row: the relay still serves a good request, and its memory did not run away.
    const res = await call(`http://127.0.0.1:${relay.ready.port}/t/good/after`);
    expect(res.status).toBe(200);
    expect(memoryOf(relay.pid).rss - baseRss).toBeLessThan(150 * MiB);
    await new Promise((resolve) => setTimeout(resolve, 250)); // let the good tunnel's bucket refill
  });

  afterAll(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    await relay?.stop();
    await local?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(options: {
    name?: string;
    token?: string;
    access?: { basicAuth?: string; allowCidr?: string[] };
  }) {
    const tunnel = await connectTunnel({ relay: relay.ready.url, target: local.port, token, ...options });
    tunnels.push(tunnel);
    return tunnel;
  }
  const url = (path: string) => `http://127.0.0.1:${relay.ready.port}${path}`;

  it('wrong token → E_UNAUTHORIZED', async () => {
    await expect(open({ token: 'hl_wrong' })).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
  });

  it('missing token → E_UNAUTHORIZED', async () => {
    await expect(connectTunnel({ relay: relay.ready.url, target: local.port })).rejects.toMatchObject({
      code: 'E_UNAUTHORIZED',
    });
  });

  it('revoked token → E_UNAUTHORIZED, without a relay restart', async () => {
    const { token: doomed, record } = await createToken(dataDir, 'doomed');
    await (await open({ token: doomed, name: 'doomed' })).close();
    await revokeToken(dataDir, record.id);
    await expect(open({ token: doomed, name: 'doomed' })).rejects.toMatchObject({ code: 'E_UNAUTHORIZED' });
  });

  it("another token's name → E_NAME_TAKEN", async () => {
    const other = (await createToken(dataDir, 'other')).token;
    await expect(open({ token: other, name: 'good' })).rejects.toMatchObject({ code: 'E_NAME_TAKEN' });
  });

  it('invalid name → E_NAME_INVALID', async () => {
    await expect(open({ name: 'Not_A-Label!' })).rejects.toMatchObject({ code: 'E_NAME_INVALID' });
  });

  it('body over the limit with Content-Length → 413 E_BODY_TOO_LARGE', async () => {
    const res = await call(url('/t/good/big'), { method: 'POST', body: Buffer.alloc(2 * MiB) });
    expect(res.status).toBe(413);
    expect(res.headers['hookline-error']).toBe('E_BODY_TOO_LARGE');
  });

  it('body over the limit, chunked → 413 E_BODY_TOO_LARGE', async () => {
    const head = 'POST /t/good/big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
    const chunk = `${(512 * 1024).toString(16)}\r\n${'a'.repeat(512 * 1024)}\r\n`;
    const response = await raw(relay.ready.port, `${head + chunk.repeat(5)}0\r\n\r\n`);
    expect(statusOf(response)).toBe(413);
    expect(codeOf(response)).toBe('E_BODY_TOO_LARGE');
  });

  it('20 000 headers → 431', async () => {
    const headers = Array.from({ length: 20_000 }, (_, i) => `x-h${i}: v\r\n`).join('');
    const response = await raw(relay.ready.port, `GET /t/good/ HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
    expect(statusOf(response)).toBe(431);
    expect(codeOf(response)).toBe('E_HEADERS_TOO_LARGE');
  });

  it('300 small headers (over the count, under the size) → 431', async () => {
    const headers = Array.from({ length: 300 }, (_, i) => `x${i}: v\r\n`).join('');
    const response = await raw(
      relay.ready.port,
      `GET /t/good/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`,
    );
    expect(statusOf(response)).toBe(431);
    expect(codeOf(response)).toBe('E_HEADERS_TOO_LARGE');
  });

  it('one 64 KiB header → 431', async () => {
    const response = await raw(
      relay.ready.port,
      `GET /t/good/ HTTP/1.1\r\nHost: x\r\nx-big: ${'b'.repeat(65_536)}\r\n\r\n`,
    );
    expect(statusOf(response)).toBe(431);
  });

  it('slowloris sender → 408 E_REQUEST_TIMEOUT', async () => {
    const response = await new Promise<string>((resolve) => {
      const socket = connect(relay.ready.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.write('GET /t/good/ HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => socket.writable && socket.write('x-drip: 1\r\n'), 100);
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(drip);
        resolve(Buffer.concat(chunks).toString('latin1'));
      });
    });
    expect(statusOf(response)).toBe(408);
    expect(codeOf(response)).toBe('E_REQUEST_TIMEOUT');
  });

  it('Transfer-Encoding + Content-Length conflict → 400', async () => {
    const response = await raw(
      relay.ready.port,
      'POST /t/good/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n',
    );
    expect(statusOf(response)).toBe(400);
    expect(codeOf(response)).toBe('E_BAD_REQUEST');
  });

  it('absolute-URL request target to another tunnel → 400', async () => {
    const response = await raw(
      relay.ready.port,
      'GET http://other.localhost/t/other/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(statusOf(response)).toBe(400);
    expect(codeOf(response)).toBe('E_BAD_REQUEST');
  });

  it('invalid method → 400', async () => {
    const response = await raw(relay.ready.port, 'G(T /t/good/ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(response)).toBe(400);
  });

  it('non-UTF-8 path → forwarded byte-exact, never a crash', async () => {
    const response = await raw(
      relay.ready.port,
      'GET /t/good/%FF%FE/caf%E9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(statusOf(response)).toBe(200);
    expect(response).toContain('ok /%FF%FE/caf%E9');
    const bytes = Buffer.concat([
      Buffer.from('GET /t/good/'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ]);
    expect([200, 400]).toContain(statusOf(await raw(relay.ready.port, bytes)));
  });

  it('garbage and truncated frames → the session ends with E_PROTOCOL, its requests get 502', async () => {
    for (const garbage of [
      Buffer.from('not a frame at all'),
      encodeFrame({ type: FrameType.WINDOW, stream: 1, credit: 5 }).subarray(0, 6),
    ]) {
      const socket = await rawSession('garbage');
      const head = nextMessage(socket);
      const pending = call(url('/t/garbage/x'));
      await head;
      const error = nextMessage(socket);
      socket.send(garbage);
      expect((await error).toString()).toContain('E_PROTOCOL');
      const res = await pending;
      expect(res.status).toBe(502);
      expect(res.headers['hookline-error']).toBe('E_PROTOCOL');
      socket.terminate();
    }
  });

  it('frame for an unknown stream → the session ends with E_PROTOCOL', async () => {
    const socket = await rawSession('unknown-stream');
    const error = nextMessage(socket);
    socket.send(encodeFrame({ type: FrameType.RESPONSE_END, stream: 99_999 }));
    expect((await error).toString()).toContain('E_PROTOCOL');
    socket.terminate();
  });

  it('a tunnel client that stops reading → uploads are held back, no unbounded buffering', async () => {
    const socket = await rawSession('stalled');
    // Stop reading the WebSocket entirely (the TCP window fills up, the relay must hold back).
    (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const before = memoryOf(relay.pid).rss;
    // 60 uploads of 900 KiB (54 MiB) pushed at a tunnel that reads nothing.
    const uploads = Array.from({ length: 60 }, () =>
      call(url('/t/stalled/upload'), { method: 'POST', body: Buffer.alloc(900 * 1024, 1) }).catch(() => null),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Bounded by the WebSocket high-water mark plus one chunk per stream, not by what was sent.
    expect(memoryOf(relay.pid).rss - before).toBeLessThan(32 * MiB);
    socket.terminate();
    for (const upload of await Promise.all(uploads)) expect(upload?.status ?? 502).toBe(502);
  });

  it('1 000 rapid connect/disconnects → the relay keeps serving and keeps nothing of them', async () => {
    const connectAndHangUp = () =>
      new Promise<void>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${relay.ready.port}/_hookline/connect`, {
          headers: { authorization: `Bearer ${token}` },
        });
        socket.once('open', () => {
          socket.terminate();
          resolve();
        });
        socket.once('error', () => resolve());
      });
    // The first connections compile code and fill caches: no leak, so not measured.
    for (let i = 0; i < 100; i++) await connectAndHangUp();
    const before = await relayStats(relay);
    for (let i = 0; i < 1_000; i++) await connectAndHangUp();
    // The relay sees each hang-up a moment after the client does: wait until it let go of
    // them, well under the 10 s HELLO timeout (by then a forgotten HELLO timer has fired, unseen).
    const deadline = Date.now() + 5_000;
    let after = await relayStats(relay);
    while ((after.sockets > before.sockets || after.timers > before.timers) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await relayStats(relay);
    }
    expect(after.collected).toBe(true);
    expect(after.sockets).toBeLessThanOrEqual(before.sockets);
    expect(after.timers).toBeLessThanOrEqual(before.timers);
    expect(after.tunnels).toBe(before.tunnels);
    // After a full collection the heap grows < 1 MiB here over 1 000 to 6 000 hang-ups;
    // keeping each closed WebSocket (about 10 KiB) would be 10 MiB.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(3 * MiB);
    expect((await call(url('/t/good/still-serving'))).status).toBe(200);
  });

  it('basic auth: wrong → 401 E_TUNNEL_AUTH with a challenge, right → 200', async () => {
    await open({ name: 'private', access: { basicAuth: 'alice:s3cret' } });
    const none = await call(url('/t/private/'));
    expect(none.status).toBe(401);
    expect(none.headers['hookline-error']).toBe('E_TUNNEL_AUTH');
    expect(none.headers['www-authenticate']).toMatch(/^Basic/);
    const wrong = await call(url('/t/private/'), {
      headers: { authorization: `Basic ${Buffer.from('alice:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const right = await call(url('/t/private/'), {
      headers: { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` },
    });
    expect(right.status).toBe(200);
  });

  it('CIDR allow-list: caller inside → 200, outside → 403 E_FORBIDDEN', async () => {
    await open({ name: 'inside', access: { allowCidr: ['127.0.0.0/8'] } });
    await open({ name: 'outside', access: { allowCidr: ['203.0.113.0/24'] } });
    expect((await call(url('/t/inside/'))).status).toBe(200);
    const outside = await call(url('/t/outside/'));
    expect(outside.status).toBe(403);
    expect(outside.headers['hookline-error']).toBe('E_FORBIDDEN');
    await expect(open({ name: 'badcidr', access: { allowCidr: ['10.0.0.0/99'] } })).rejects.toMatchObject({
      code: 'E_BAD_REQUEST',
    });
  });

  it('rate limit hit → 429 with Retry-After, then recovery', async () => {
    await open({ name: 'busy' });
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 50 });
    const responses = await Promise.all(Array.from({ length: 150 }, () => call(url('/t/busy/'), { agent })));
    agent.destroy();
    const statuses = responses.map((res) => res.status);
    const limited = responses.filter((res) => res.status === 429);
    // A burst of 80 passes, the rest is refused with a reason and a time to come back.
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(80);
    expect(limited.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    for (const res of limited) expect(res.headers['hookline-error']).toBe('E_RATE_LIMITED');
    const retryAfter = limited[0]?.headers['retry-after'];
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await call(url('/t/busy/'))).status).toBe(200);
  });

  /** A hand-driven tunnel session: HELLO sent, READY received. */
  async function rawSession(name: string): Promise<WebSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${relay.ready.port}/_hookline/connect?name=${name}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const ready = nextMessage(socket);
    socket.send(
      encodeFrame({
        type: FrameType.HELLO,
        stream: 0,
        message: { versions: [1], clientId: `raw-${name}-000000000000`, name },
      }),
    );
    await ready;
    return socket;
  }
});

function nextMessage(socket: WebSocket): Promise<Buffer> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(data)));
}
