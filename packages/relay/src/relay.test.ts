import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { decodeMessage, encodeFrame, type Frame, FrameType } from '@hookline/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RelayOptions } from './options.js';
import { createRelay, type Relay } from './relay.js';

const open: Relay[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(open.splice(0).map((relay) => relay.close()));
});

/** A relay on a free loopback port, closed after the test. */
async function startRelay(options: RelayOptions = {}): Promise<{ relay: Relay; port: number; base: string }> {
  const relay = createRelay(options);
  open.push(relay);
  const { port } = await relay.listen(0, '127.0.0.1');
  return { relay, port, base: `http://127.0.0.1:${port}` };
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** node:http rather than fetch: fetch may not set Host. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Write raw bytes and read until the relay closes the connection. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close after ${Buffer.concat(chunks).toString('latin1')}`));
    }, 5_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(bytes);
  });
}

const UPGRADE_HEADERS =
  'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

type Handshake =
  | { kind: 'open'; socket: WebSocket }
  | { kind: 'refused'; status: number; headers: IncomingHttpHeaders };

/** Open a WebSocket on the tunnel endpoint; a refusal before the upgrade is a result, not an error. */
function connectTunnelSocket(url: string, headers: Record<string, string> = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    sockets.push(socket);
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ kind: 'refused', status: res.statusCode ?? 0, headers: res.headers });
      socket.terminate();
    });
    socket.on('open', () => resolve({ kind: 'open', socket }));
    socket.on('error', (error) => reject(error));
  });
}

/** The first frame the relay sends on an open tunnel socket. */
function nextFrame(socket: WebSocket): Promise<Frame> {
  return new Promise((resolve, reject) => {
    socket.once('message', (data: Buffer) => {
      const decoded = decodeMessage(data);
      if (!decoded.ok) return reject(decoded.error);
      const [frame] = decoded.frames;
      if (frame) resolve(frame);
      else reject(new Error('empty message'));
    });
  });
}

function hello(socket: WebSocket, clientId: string, name?: string): void {
  const message = { versions: [1], clientId, agent: 'relay.test', ...(name === undefined ? {} : { name }) };
  socket.send(encodeFrame({ type: FrameType.HELLO, stream: 0, message }));
}

describe('createRelay', () => {
  it.each<[string, RelayOptions]>([
    ['heartbeatIntervalMs: 0', { heartbeatIntervalMs: 0 }],
    ['helloTimeoutMs: -1', { helloTimeoutMs: -1 }],
    ['maxBodyBytes: NaN', { maxBodyBytes: Number.NaN }],
    ['domain "a b"', { domain: 'a b' }],
    ['publicUrl "nope"', { publicUrl: 'nope' }],
  ])('refuses %s with a TypeError', (_label, options) => {
    expect(() => createRelay(options)).toThrow(TypeError);
  });

  it('builds its URL from the domain and the bound port', async () => {
    const { relay, port } = await startRelay({ domain: 'LocalHost' });
    expect(relay.url).toBe(`http://localhost:${port}`);
    expect(relay.urlsFor('demo')).toEqual([`http://demo.localhost:${port}`, `http://localhost:${port}/t/demo`]);
  });

  it('builds tunnel URLs from publicUrl when set', async () => {
    const { relay } = await startRelay({ domain: 'hooks.example.com', publicUrl: 'https://hooks.example.com/' });
    expect(relay.url).toBe('https://hooks.example.com');
    expect(relay.urlsFor('demo')).toEqual(['https://demo.hooks.example.com', 'https://hooks.example.com/t/demo']);
  });

  it('stops listening on close', async () => {
    const relay = createRelay();
    const { port } = await relay.listen(0, '127.0.0.1');
    await relay.close();
    await expect(get(port, '/_hookline/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('relay HTTP surface', () => {
  it('answers GET /_hookline/healthz with 200 JSON', async () => {
    const { base } = await startRelay();
    const res = await fetch(`${base}/_hookline/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ status: 'ok', tunnels: 0 });
  });

  it('answers an unknown tunnel by path with 404 E_TUNNEL_NOT_FOUND', async () => {
    const { base } = await startRelay();
    const res = await fetch(`${base}/t/nope/`);
    expect(res.status).toBe(404);
    expect(res.headers.get('hookline-error')).toBe('E_TUNNEL_NOT_FOUND');
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await res.text()).toContain('E_TUNNEL_NOT_FOUND');
  });

  it('answers an unknown tunnel by host with 404 E_TUNNEL_NOT_FOUND', async () => {
    const { port } = await startRelay({ domain: 'localhost' });
    const res = await get(port, '/hook', { host: `nope.localhost:${port}` });
    expect(res.status).toBe(404);
    expect(res.headers['hookline-error']).toBe('E_TUNNEL_NOT_FOUND');
    expect(res.body).toContain('"nope"');
  });

  it('gives a JSON error body to a caller that accepts JSON', async () => {
    const { base } = await startRelay();
    const res = await fetch(`${base}/t/nope/x`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('hookline-error')).toBe('E_TUNNEL_NOT_FOUND');
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: { code: 'E_TUNNEL_NOT_FOUND', message: expect.any(String) } });
  });

  it('answers an unknown service path with 404 and a code', async () => {
    const { base } = await startRelay();
    const res = await fetch(`${base}/_hookline/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('hookline-error')).toBe('E_TUNNEL_NOT_FOUND');
  });

  it('refuses a nested subdomain with 400 E_BAD_REQUEST', async () => {
    const { port } = await startRelay({ domain: 'localhost' });
    const res = await get(port, '/', { host: `a.b.localhost:${port}` });
    expect(res.status).toBe(400);
    expect(res.headers['hookline-error']).toBe('E_BAD_REQUEST');
  });

  it('refuses an absolute-form request target with 400 E_BAD_REQUEST', async () => {
    const { port } = await startRelay({ domain: 'localhost' });
    const response = await rawExchange(
      port,
      `GET http://x/ HTTP/1.1\r\nHost: demo.localhost:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toMatch(/\r\nhookline-error: E_BAD_REQUEST\r\n/i);
  });

  it('answers malformed HTTP with 400 E_BAD_REQUEST', async () => {
    const { port } = await startRelay();
    const response = await rawExchange(port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(response).toMatch(/\r\nhookline-error: E_BAD_REQUEST\r\n/i);
  });

  it('refuses an upgrade to an unknown tunnel with 404 E_TUNNEL_NOT_FOUND', async () => {
    const { port } = await startRelay();
    const response = await rawExchange(port, `GET /t/nope/ HTTP/1.1\r\nHost: localhost\r\n${UPGRADE_HEADERS}\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect(response).toMatch(/\r\nhookline-error: E_TUNNEL_NOT_FOUND\r\n/i);
  });

  it('refuses an upgrade on an unknown service path with 404 and a code', async () => {
    const { port } = await startRelay();
    const response = await rawExchange(
      port,
      `GET /_hookline/nope HTTP/1.1\r\nHost: localhost\r\n${UPGRADE_HEADERS}\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect(response).toMatch(/\r\nhookline-error: E_TUNNEL_NOT_FOUND\r\n/i);
  });

  it('answers GET /_hookline/connect without an upgrade with 426', async () => {
    const { base } = await startRelay();
    const res = await fetch(`${base}/_hookline/connect`);
    expect(res.status).toBe(426);
    await res.body?.cancel();
  });
});

describe('tunnel endpoint', () => {
  it('refuses a WebSocket without a token with 401 E_UNAUTHORIZED', async () => {
    const { port } = await startRelay({ tokens: ['secret-token'] });
    const result = await connectTunnelSocket(`ws://127.0.0.1:${port}/_hookline/connect`);
    expect(result).toMatchObject({ kind: 'refused', status: 401, headers: { 'hookline-error': 'E_UNAUTHORIZED' } });
  });

  it('refuses a WebSocket with a wrong token with 401 E_UNAUTHORIZED', async () => {
    const { port } = await startRelay({ tokens: ['secret-token'] });
    const result = await connectTunnelSocket(`ws://127.0.0.1:${port}/_hookline/connect`, {
      authorization: 'Bearer wrong-token',
    });
    expect(result).toMatchObject({ kind: 'refused', status: 401, headers: { 'hookline-error': 'E_UNAUTHORIZED' } });
  });

  it('accepts a WebSocket with a valid token', async () => {
    const { port } = await startRelay({ tokens: ['secret-token'] });
    const result = await connectTunnelSocket(`ws://127.0.0.1:${port}/_hookline/connect`, {
      authorization: 'Bearer secret-token',
    });
    expect(result.kind).toBe('open');
  });

  it('refuses an invalid name before the upgrade with 400 E_NAME_INVALID', async () => {
    const { port } = await startRelay();
    const result = await connectTunnelSocket(`ws://127.0.0.1:${port}/_hookline/connect?name=Bad_Name`);
    expect(result).toMatchObject({ kind: 'refused', status: 400, headers: { 'hookline-error': 'E_NAME_INVALID' } });
    if (result.kind === 'refused')
      expect(decodeURIComponent(String(result.headers['hookline-error-message']))).toMatch(/DNS label/);
  });

  it('answers HELLO with READY, then refuses the name to another client with 409 E_NAME_IN_USE', async () => {
    const { relay, port } = await startRelay({ domain: 'localhost' });
    const first = await connectTunnelSocket(
      `ws://127.0.0.1:${port}/_hookline/connect?name=demo&client=client-one-0000000`,
    );
    if (first.kind !== 'open') throw new Error(`refused: ${first.status}`);
    const ready = nextFrame(first.socket);
    hello(first.socket, 'client-one-0000000', 'demo');
    expect(await ready).toMatchObject({
      type: FrameType.READY,
      message: { name: 'demo', urls: [`http://demo.localhost:${port}`, `http://localhost:${port}/t/demo`] },
    });
    expect(relay.tunnelCount).toBe(1);
    expect(await (await fetch(`http://127.0.0.1:${port}/_hookline/healthz`)).json()).toEqual({
      status: 'ok',
      tunnels: 1,
    });

    const second = await connectTunnelSocket(
      `ws://127.0.0.1:${port}/_hookline/connect?name=demo&client=client-two-0000000`,
    );
    expect(second).toMatchObject({ kind: 'refused', status: 409, headers: { 'hookline-error': 'E_NAME_IN_USE' } });
    if (second.kind !== 'refused') throw new Error('not refused');
    expect(decodeURIComponent(String(second.headers['hookline-error-message']))).toMatch(
      /in use by another client from 127\.0\.0\.1 since \d{4}-.*--takeover/,
    );
  });

  it('assigns a random name when HELLO asks for none', async () => {
    const { port } = await startRelay();
    const result = await connectTunnelSocket(`ws://127.0.0.1:${port}/_hookline/connect`);
    if (result.kind !== 'open') throw new Error(`refused: ${result.status}`);
    const ready = nextFrame(result.socket);
    hello(result.socket, 'client-three-000000');
    const frame = await ready;
    expect(frame.type).toBe(FrameType.READY);
    if (frame.type === FrameType.READY) expect(frame.message.name).toMatch(/^[a-z]+-[a-z]+-[a-z2-9]{6}$/);
  });
});

describe('tunnel session health', () => {
  it('terminates a session that stops answering pings, and its name goes offline', async () => {
    const { relay, port } = await startRelay({ heartbeatIntervalMs: 50 });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_hookline/connect`, { autoPong: false });
    sockets.push(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const ready = nextFrame(socket);
    hello(socket, 'silent-client-00000', 'sleepy');
    await ready;
    expect(relay.tunnelCount).toBe(1);
    await new Promise((resolve) => socket.once('close', resolve));
    expect(relay.tunnelCount).toBe(0);
    expect((await get(port, '/t/sleepy/')).status).toBe(404);
  });

  it('keeps a session that answers pings', async () => {
    const { relay, port } = await startRelay({ heartbeatIntervalMs: 50 });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_hookline/connect`);
    sockets.push(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const ready = nextFrame(socket);
    hello(socket, 'lively-client-00000', 'awake');
    await ready;
    let pings = 0;
    socket.on('ping', () => pings++);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(pings).toBeGreaterThanOrEqual(3);
    expect(relay.tunnelCount).toBe(1);
  });

  it('ends a session that sends garbage with ERROR E_PROTOCOL; its in-flight request gets 502', async () => {
    const { relay, port } = await startRelay();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_hookline/connect`);
    sockets.push(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const ready = nextFrame(socket);
    hello(socket, 'garbage-client-0000', 'noisy');
    await ready;
    const head = nextFrame(socket);
    const pending = get(port, '/t/noisy/x');
    expect((await head).type).toBe(FrameType.REQUEST_HEAD);
    const error = nextFrame(socket);
    socket.send(Buffer.from([0xff, 0, 0, 0, 1, 0, 0, 0, 0]));
    expect(await error).toMatchObject({ type: FrameType.ERROR, message: { code: 'E_PROTOCOL' } });
    const res = await pending;
    expect(res.status).toBe(502);
    expect(res.headers['hookline-error']).toBe('E_PROTOCOL');
    expect(relay.tunnelCount).toBe(0);
  });

  it('closes a connection that never says HELLO', async () => {
    const { port } = await startRelay({ helloTimeoutMs: 100 });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_hookline/connect`);
    sockets.push(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const error = nextFrame(socket);
    expect(await error).toMatchObject({ type: FrameType.ERROR, message: { code: 'E_PROTOCOL' } });
  });
});
