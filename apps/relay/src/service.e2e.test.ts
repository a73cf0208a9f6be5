import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTunnel, type Tunnel } from '@hookline/client';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killServices, type ReadyService, spawnService, startService } from './test-support/service-process.js';

const METRICS_TOKEN = 'scrape-me-0123456789abcdef';

async function scrape(service: ReadyService, token?: string): Promise<Response> {
  return fetch(`${service.url}/_hookline/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

/** The value of one sample line (`name{labels} value`) in Prometheus text, 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('relay service process', () => {
  let dir: string;
  let origin: Origin | undefined;
  let tunnel: Tunnel | undefined;
  let blocker: Server | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-service-'));
  });
  afterEach(async () => {
    await tunnel?.close();
    await origin?.close();
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    tunnel = undefined;
    origin = undefined;
    blocker = undefined;
    await killServices();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('bad configuration', () => {
    const cases: Array<[string, () => string[], RegExp]> = [
      ['a bad port', () => ['--port', 'abc'], /^hookline-relay: --port must be a port number 0-65535, got "abc"$/],
      [
        'a bad limit',
        () => ['--tunnel-burst', '0'],
        /^hookline-relay: --tunnel-burst must be a whole number, 1 or more, got "0"$/,
      ],
      [
        'an unknown config file key',
        () => {
          writeFileSync(join(dir, 'relay.json'), '{"maxBodyByte": 1}');
          return ['--config', join(dir, 'relay.json')];
        },
        /^hookline-relay: config file .*relay\.json: unknown setting "maxBodyByte" \(known: port, /,
      ],
      ['an unknown flag', () => ['--prot', '80'], /^hookline-relay: unknown option --prot \(see --help\)$/],
      [
        'a config file that is not JSON',
        () => {
          writeFileSync(join(dir, 'relay.json'), '{"port": 80,');
          return ['--config', join(dir, 'relay.json')];
        },
        /^hookline-relay: config file .*relay\.json: not valid JSON/,
      ],
      [
        'an unreadable TLS certificate',
        () => ['--tls-cert', join(dir, 'none.pem'), '--tls-key', join(dir, 'none.key')],
        /^hookline-relay: cannot read TLS certificate .*none\.pem \(ENOENT\)$/,
      ],
      ['a domain that is no host name', () => ['--domain', 'not a domain'], /^hookline-relay: .*domain/],
    ];
    it.each(cases)('%s: one line on stderr, nothing on stdout, exit 1', async (_name, args, message) => {
      const service = spawnService(['--port', '0', ...args()]);
      const { code } = await service.exited;
      expect(code).toBe(1);
      const lines = service.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(service.logs).toEqual([]);
      expect(service.badLines).toEqual([]);
    });

    it('a port already in use: one line, exit 1', async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker?.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      const service = spawnService(['--port', String(port)]);
      expect((await service.exited).code).toBe(1);
      expect(service.stderr()).toBe(`hookline-relay: listening on 127.0.0.1:${port} is already in use\n`);
    });

    it('HOOKLINE_* env is read too', async () => {
      const service = spawnService([], { HOOKLINE_PORT: '0', HOOKLINE_LOG_LEVEL: 'chatty' });
      expect((await service.exited).code).toBe(1);
      expect(service.stderr()).toMatch(/^hookline-relay: HOOKLINE_LOG_LEVEL must be one of fatal, .*, got "chatty"\n$/);
    });
  });

  it('answers healthz and readyz, and logs its URL as JSON', async () => {
    const service = await startService(['--data-dir', join(dir, 'data')]);
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    const health = await fetch(`${service.url}/_hookline/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', tunnels: 0 });
    const ready = await fetch(`${service.url}/_hookline/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: 'ok' } });
    const listening = service.logs.find((line) => line.msg === 'relay listening');
    expect(listening).toMatchObject({ level: 'info', name: 'hookline-relay', metrics: false, tls: false });
    expect(Date.parse(String(listening?.time))).not.toBeNaN();
  });

  it('keeps its data in $XDG_DATA_HOME/hookline/relay by default, and none with :memory:', async () => {
    const dataHome = join(dir, 'xdg');
    const kept = await startService([], { XDG_DATA_HOME: dataHome });
    expect(kept.logs.find((line) => line.msg === 'relay listening')?.dataDir).toBe(join(dataHome, 'hookline/relay'));
    expect(existsSync(join(dataHome, 'hookline/relay/relay.lock'))).toBe(true);
    const memory = await startService(['--data-dir', ':memory:'], { XDG_DATA_HOME: join(dir, 'other') });
    expect(memory.logs.find((line) => line.msg === 'relay listening')?.dataDir).toBeNull();
    expect(existsSync(join(dir, 'other'))).toBe(false);
  });

  it('has no metrics route without a metrics token', async () => {
    const service = await startService([]);
    expect((await scrape(service)).status).toBe(404);
    expect((await scrape(service, METRICS_TOKEN)).status).toBe(404);
  });

  it('writes the per-exchange log lines in batches, and every other line at once, in order', async () => {
    const service = await startService([]);
    const writes: string[] = [];
    service.child.stdout?.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
    origin = await startOrigin((_req, res) => res.end('ok'));
    tunnel = await connectTunnel({ relay: service.url, target: origin.port, name: 'logged', reconnect: false });
    for (let i = 0; i < 20; i++) expect((await fetch(`${service.url}/t/logged/${i}`)).status).toBe(200);
    // The next line that is not an exchange's comes out at once, after the waiting exchanges.
    await tunnel.close();
    tunnel = undefined;
    const offline = await service.waitForLog((line) => line.msg === 'tunnel offline');
    const order = service.logs.map((line) => line.msg);
    expect(order.filter((msg) => msg === 'exchange')).toHaveLength(20);
    expect(order.lastIndexOf('exchange')).toBeLessThan(order.indexOf('tunnel offline'));
    expect(offline.tunnel).toBe('logged');
    // 20 exchange lines and the offline line took far fewer writes than lines.
    const exchangeWrites = writes.filter((text) => text.includes('"msg":"exchange"'));
    expect(exchangeWrites.length).toBeLessThan(10);
  });

  it('serves metrics only for the token, and counts exchanges through a tunnel', async () => {
    const service = await startService([], { HOOKLINE_METRICS_TOKEN: METRICS_TOKEN });
    expect((await scrape(service)).status).toBe(401);
    expect((await scrape(service, 'not-the-token-0123456789')).status).toBe(401);
    const before = await scrape(service, METRICS_TOKEN);
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const beforeText = await before.text();
    expect(sample(beforeText, 'hookline_tunnels_online')).toBe(0);
    expect(sample(beforeText, 'hookline_requests_total{status="200",code="none"}')).toBe(0);

    origin = await startOrigin(async (req, res) => {
      const body = await readBody(req);
      res.end(`got ${body.length} bytes`);
    });
    tunnel = await connectTunnel({ relay: service.url, target: origin.port, name: 'metered', reconnect: false });
    const withId = await fetch(`${service.url}/t/metered/hook`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-metered-1' },
      // Large enough to arrive after the head: bytes read together with the head are not counted (see README).
      body: 'x'.repeat(256 * 1024),
    });
    expect(await withId.text()).toBe(`got ${256 * 1024} bytes`);
    const withoutId = await fetch(`${service.url}/t/metered/hook`);
    expect(withoutId.status).toBe(200);
    await withoutId.arrayBuffer();
    const missing = await fetch(`${service.url}/t/nobody/hook`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();

    const text = await (await scrape(service, METRICS_TOKEN)).text();
    expect(sample(text, 'hookline_tunnels_online')).toBe(1);
    expect(sample(text, 'hookline_tunnel_sessions_total')).toBe(1);
    expect(sample(text, 'hookline_requests_total{status="200",code="none"}')).toBe(2);
    // The relay's own refusals carry their code (sendPublicError sets the header the observer reads).
    expect(sample(text, 'hookline_requests_total{status="404",code="E_TUNNEL_NOT_FOUND"}')).toBe(1);
    expect(sample(text, 'hookline_bytes_in_total')).toBeGreaterThan(0);
    expect(sample(text, 'hookline_bytes_out_total')).toBeGreaterThan(0);
    expect(sample(text, 'hookline_request_duration_seconds_count')).toBe(3);

    // Exchange lines are written in batches (up to 200 ms late): wait for the third.
    const exchangeLines = () => service.logs.filter((line) => line.msg === 'exchange');
    await service.waitForLog(() => exchangeLines().length >= 3);
    const exchanges = exchangeLines();
    expect(exchanges).toHaveLength(3);
    expect(exchanges[0]).toMatchObject({
      level: 'info',
      requestId: 'req-metered-1',
      tunnel: 'metered',
      method: 'POST',
      status: 200,
      code: null,
      queued: false,
    });
    expect(exchanges[0]?.bytesIn).toBeGreaterThan(0);
    expect(exchanges[1]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(exchanges[2]).toMatchObject({ method: 'GET', status: 404 });
    expect(service.logs.find((line) => line.msg === 'tunnel online')).toMatchObject({ tunnel: 'metered' });

    await tunnel.close();
    await service.waitForLog((line) => line.msg === 'tunnel offline' && line.tunnel === 'metered');
    expect(service.badLines).toEqual([]);
  });
});
