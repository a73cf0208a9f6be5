import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeMessage, encodeFrame, FrameType, type RelayAnswer } from '@hookline/protocol';
import { createRelay, createToken, type Relay } from '@hookline/relay';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectTunnel, type Tunnel, type TunnelOptions } from './connect-tunnel.js';
import { type CallResult, call } from './test-support/http-call.js';

/** Slack's documented url_verification example (Events API docs). */
const SLACK_CHALLENGE = '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P';
const SLACK_VERIFICATION = JSON.stringify({
  token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
  challenge: SLACK_CHALLENGE,
  type: 'url_verification',
});
/** Zoom's documented url_validation example; the expected token is computed by the documented algorithm. */
const ZOOM_SECRET = 'zoom-secret-token-for-tests';
const ZOOM_PLAIN_TOKEN = 'qgg8vlvZRS6UYooatFL8Aw';
const ZOOM_VALIDATION = JSON.stringify({
  payload: { plainToken: ZOOM_PLAIN_TOKEN },
  event_ts: 1654503849680,
  event: 'endpoint.url_validation',
});
const GRAPH_TOKEN = 'Validation: Testing client application reachability for subscription Request-Id: 2c4b6a1e';
const ALL = ['slack', 'zoom', 'graph', 'websub', 'cloudevents'] as const;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('handshakes answered at the relay (declared at HELLO)', () => {
  let dataDir: string;
  let token: string;
  let relay: Relay;
  let port: number;
  let local: Origin;
  let seen: Seen[];
  let tunnels: Tunnel[];
  let logs: Array<{ fields: object; message: string }>;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-handshakes-'));
    token = (await createToken(dataDir, 'test')).token;
    logs = [];
    const log = (fields: object, message: string) => logs.push({ fields, message });
    relay = createRelay({ dataDir, auth: 'required', logger: { info: log, warn: log, error: log } });
    port = (await relay.listen(0, '127.0.0.1')).port;
    seen = [];
    tunnels = [];
    local = await startOrigin(async (req, res) => {
      const body = (await readBody(req)).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.end(`app got ${body}`);
    });
  });

  afterEach(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    await relay.close();
    await local.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(options: Partial<TunnelOptions> = {}): Promise<Tunnel> {
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: local.port,
      token,
      name: 'hooks',
      handshakes: [...ALL],
      handshakeSecrets: { zoom: ZOOM_SECRET },
      ...options,
    });
    tunnels.push(tunnel);
    return tunnel;
  }

  const url = (path: string) => `http://127.0.0.1:${port}/t/hooks${path}`;
  const json = { 'content-type': 'application/json' };

  /** Every documented handshake, each judged by its provider's rule. */
  async function expectEveryHandshakeAnswered(): Promise<void> {
    const slack = await call(url('/slack/events'), { method: 'POST', headers: json, body: SLACK_VERIFICATION });
    expect(slack.status).toBe(200);
    expect(slack.headers['content-type']).toMatch(/^text\/plain/);
    expect(slack.headers['hookline-handshake']).toBe('slack');
    expect(slack.body.toString()).toBe(SLACK_CHALLENGE);

    const zoom = await call(url('/zoom'), { method: 'POST', headers: json, body: ZOOM_VALIDATION });
    expect(zoom.status).toBe(200);
    expect(zoom.headers['content-type']).toBe('application/json');
    expect(JSON.parse(zoom.body.toString())).toEqual({
      plainToken: ZOOM_PLAIN_TOKEN,
      encryptedToken: createHmac('sha256', ZOOM_SECRET).update(ZOOM_PLAIN_TOKEN).digest('hex'),
    });

    const graph = await call(url(`/graph?validationToken=${encodeURIComponent(GRAPH_TOKEN)}`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '',
    });
    expect(graph.status).toBe(200);
    expect(graph.headers['content-type']).toMatch(/^text\/plain/);
    expect(graph.headers['x-content-type-options']).toBe('nosniff');
    expect(graph.body.toString()).toBe(GRAPH_TOKEN);

    const query =
      'hub.mode=subscribe&hub.topic=https%3A%2F%2Fexample.com%2Ffeed&hub.challenge=c-1234&hub.lease_seconds=86400';
    const websub = await call(url(`/websub?${query}`));
    expect(websub.status).toBe(200);
    expect(websub.body.toString()).toBe('c-1234');

    const cloud = await call(url('/events'), {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': 'eventemitter.example.com', 'webhook-request-rate': '120' },
    });
    expect(cloud.status).toBe(200);
    expect(cloud.headers['webhook-allowed-origin']).toBe('eventemitter.example.com');
    expect(cloud.headers['webhook-allowed-rate']).toBe('120');
    expect(cloud.headers.allow).toContain('POST');

    // Answered by the relay: none reached the local server.
    expect(seen).toHaveLength(0);
  }

  it('answers every declared handshake while the client is online, and tells the client', async () => {
    const tunnel = await open();
    const answers: RelayAnswer[] = [];
    tunnel.on('handshake', (answer) => answers.push(answer));
    await expectEveryHandshakeAnswered();
    for (let i = 0; i < 200 && answers.length < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answers.map((answer) => answer.handshake)).toEqual([...ALL]);
    const slack = answers[0] as RelayAnswer;
    expect(slack).toMatchObject({ method: 'POST', target: '/slack/events', publicPath: '/t/hooks/slack/events' });
    expect(Buffer.from(slack.body, 'base64').toString()).toBe(SLACK_VERIFICATION);
    expect(slack.response).toMatchObject({ status: 200, body: SLACK_CHALLENGE });
  });

  it('answers them after the client disconnected (reserved name, declaration kept in memory)', async () => {
    const tunnel = await open();
    await tunnel.close();
    await expectEveryHandshakeAnswered();
    // An ordinary webhook is not a handshake: the tunnel is offline as before.
    const plain = await call(url('/slack/events'), {
      method: 'POST',
      headers: json,
      body: '{"type":"event_callback"}',
    });
    expect(plain.status).toBe(503);
    expect(plain.headers['hookline-error']).toBe('E_TUNNEL_OFFLINE');
    expect(logs.some((line) => line.message === 'handshake answered at the relay')).toBe(true);
  });

  it('forwards what is not a declared handshake, its body intact', async () => {
    await open({ handshakes: ['slack'], handshakeSecrets: {} });
    const event = JSON.stringify({ type: 'event_callback', event: { type: 'app_mention', text: 'hi' } });
    const forwarded: CallResult[] = [];
    forwarded.push(await call(url('/slack'), { method: 'POST', headers: json, body: event }));
    // Zoom is not declared here: its validation reaches the app.
    forwarded.push(await call(url('/zoom'), { method: 'POST', headers: json, body: ZOOM_VALIDATION }));
    // A Slack-shaped body that does not say JSON, and a "JSON" body that is not: not handshakes.
    forwarded.push(
      await call(url('/slack'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: SLACK_VERIFICATION,
      }),
    );
    forwarded.push(await call(url('/slack'), { method: 'POST', headers: json, body: '{"type":"url_verification"' }));
    forwarded.push(await call(url(`/graph?validationToken=abc`), { method: 'POST', body: 'x' }));
    expect(forwarded.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    expect(seen.map((request) => request.body)).toEqual([
      event,
      ZOOM_VALIDATION,
      SLACK_VERIFICATION,
      '{"type":"url_verification"',
      'x',
    ]);
    expect(forwarded[0]?.body.toString()).toBe(`app got ${event}`);
  });

  it('reads a body for detection and still queues it whole (queued tunnel, client offline)', async () => {
    const tunnel = await open({ handshakes: ['slack'], handshakeSecrets: {}, queue: 'serial' });
    await tunnel.close();
    const event = JSON.stringify({ type: 'event_callback', n: 'x'.repeat(5000) });
    const queued = await call(url('/slack'), { method: 'POST', headers: json, body: event });
    expect(queued.status).toBe(202);
    const verification = await call(url('/slack'), { method: 'POST', headers: json, body: SLACK_VERIFICATION });
    expect(verification.body.toString()).toBe(SLACK_CHALLENGE);
    await open({ handshakes: ['slack'], handshakeSecrets: {}, queue: 'serial' });
    for (let i = 0; i < 500 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.map((request) => request.body)).toEqual([event]);
  });

  it('refuses unanswerable handshakes with a coded 400 and leaves big bodies unread', async () => {
    await open();
    const huge = JSON.stringify({ type: 'url_verification', challenge: 'c'.repeat(5000) });
    const tooLong = await call(url('/slack'), { method: 'POST', headers: json, body: huge });
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers['hookline-error']).toBe('E_BAD_HANDSHAKE');
    expect(tooLong.body.toString()).toMatch(/5000 characters long; the relay echoes at most 2048/);

    const badOrigin = await call(url('/events'), {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': '<script>alert(1)</script>' },
    });
    expect(badOrigin.status).toBe(400);
    expect(badOrigin.headers['hookline-error']).toBe('E_BAD_HANDSHAKE');

    const graphHuge = await call(url(`/graph?validationToken=${'t'.repeat(3000)}`), { method: 'POST', body: '' });
    expect(graphHuge.headers['hookline-error']).toBe('E_BAD_HANDSHAKE');

    // Past the 64 KiB detection cap the relay does not read the body: it is the app's.
    const big = JSON.stringify({ type: 'url_verification', challenge: 'x', pad: 'p'.repeat(70 * 1024) });
    const forwarded = await call(url('/slack'), { method: 'POST', headers: json, body: big });
    expect(forwarded.status).toBe(200);
    expect(seen.map((request) => request.body)).toEqual([big]);
  });

  it("answers only past the tunnel's own protection (basic auth)", async () => {
    await open({ handshakes: ['slack'], handshakeSecrets: {}, access: { basicAuth: 'ops:s3cret' } });
    const anonymous = await call(url('/slack'), { method: 'POST', headers: json, body: SLACK_VERIFICATION });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['hookline-error']).toBe('E_TUNNEL_AUTH');
    const authorization = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;
    const allowed = await call(url('/slack'), {
      method: 'POST',
      headers: { ...json, authorization },
      body: SLACK_VERIFICATION,
    });
    expect(allowed.body.toString()).toBe(SLACK_CHALLENGE);
  });

  it('refuses a HELLO that declares zoom without its secret, or 10 000 handshakes', async () => {
    await expect(open({ handshakes: ['zoom'], handshakeSecrets: {} })).rejects.toMatchObject({
      code: 'E_BAD_REQUEST',
      message: expect.stringContaining("zoom handshake needs the app's secret token"),
    });
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_hookline/connect?name=hostile`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const reply = new Promise<Buffer>((resolve) => socket.once('message', (data: Buffer) => resolve(data)));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const hello = {
      versions: [1],
      clientId: 'hostile-client-0001',
      name: 'hostile',
      handshakes: Array.from({ length: 10_000 }, () => 'slack'),
    };
    // Sent unchecked: the encoder does not validate, the relay must.
    socket.send(encodeFrame({ type: FrameType.HELLO, stream: 0, message: hello as never }));
    const decoded = decodeMessage(await reply);
    expect(decoded.ok).toBe(true);
    const frame = decoded.ok ? decoded.frames[0] : undefined;
    expect(frame?.type).toBe(FrameType.ERROR);
    expect(frame?.type === FrameType.ERROR && frame.message).toMatchObject({
      code: 'E_PROTOCOL',
      message: expect.stringContaining('handshakes'),
    });
    expect(await closed).toBe(1002);
  });
});
