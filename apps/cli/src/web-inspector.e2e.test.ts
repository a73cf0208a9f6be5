import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import { ensureCliBuilt, isolatedEnv, spawnCli, startHttpCli, stopAllCli } from './test-support/cli-process.js';
import { harValidator } from './test-support/har-validator.js';
import { rawRequest } from './test-support/raw-request.js';

let dir = '';
let origin: BytesOrigin;

beforeAll(ensureCliBuilt, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-web-e2e-'));
  origin = await startBytesOrigin();
});

afterEach(async () => {
  await stopAllCli();
  await origin.close();
  await rm(dir, { recursive: true, force: true });
});

const INSPECTOR_LINE = /^Inspector\s+(http:\/\/127\.0\.0\.1:(\d+)\/#([A-Za-z0-9_-]{43}))$/;

async function startWithInspector(args: string[] = []) {
  const { proc, base } = await startHttpCli(origin.port, 'web', {
    cwd: dir,
    env: isolatedEnv(dir, { HOOKLINE_DATA_DIR: join(dir, 'data') }),
    args,
  });
  const [, url, port, secret] = (await proc.waitForLine('stdout', INSPECTOR_LINE)) as unknown as string[];
  const api = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    rawRequest(`http://127.0.0.1:${port}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${secret}`, ...init.headers },
    });
  return { proc, base, url: url as string, port: Number(port), secret: secret as string, api };
}

describe('hookline http: the web inspector', () => {
  it('prints its URL with a fresh secret, serves the page, and refuses calls without the secret', async () => {
    const first = await startWithInspector();
    expect(first.url).toBe(`http://127.0.0.1:${first.port}/#${first.secret}`);
    const page = await rawRequest(`http://127.0.0.1:${first.port}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    for (const authorization of ['', 'Bearer nope', `Bearer ${first.secret.slice(1)}`]) {
      const res = await first.api('/api/v1/captures', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers['hookline-error']).toBe('E_UNAUTHORIZED');
    }
    expect((await first.api('/api/v1/captures')).status).toBe(200);
    await first.proc.stop();
    const second = await startWithInspector();
    expect(second.secret).not.toBe(first.secret);
  });

  it('refuses a rebinding Host and a foreign Origin over a real socket, with 403 and a code', async () => {
    const { api, port } = await startWithInspector();
    const rebinding = await api('/api/v1/captures', { headers: { host: `attacker.example:${port}` } });
    expect(rebinding.status).toBe(403);
    expect(rebinding.headers['hookline-error']).toBe('E_BAD_HOST');
    const page = await api('/', { headers: { host: `attacker.example:${port}` } });
    expect(page.status).toBe(403);
    const foreign = await api('/api/v1/captures/1/replay', {
      method: 'POST',
      headers: { origin: 'http://attacker.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['hookline-error']).toBe('E_BAD_ORIGIN');
  });

  it('lists a webhook sent through the tunnel and replays it edited to the local server, Content-Length fixed', async () => {
    const { api, base } = await startWithInspector();
    const body = Buffer.from('{"amount":100}');
    expect(await sendBytes(`${base}/hooks`, 'POST', { 'content-type': 'application/json' }, body)).toBe(200);
    let page = { captures: [] as Array<{ id: string; path: string }> };
    // The capture is listed once its exchange has ended, a moment after the caller's answer.
    while (page.captures.length === 0) page = JSON.parse((await api('/api/v1/captures')).body);
    expect(page.captures[0]).toMatchObject({ id: '1', path: '/hooks' });
    const detail = JSON.parse((await api('/api/v1/captures/1')).body) as { editable: string };
    const edit = detail.editable.replace('{"amount":100}', '{"amount":100000}').replace('POST /hooks', 'POST /edited');
    const replay = await api('/api/v1/captures/1/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ edit }),
    });
    expect(replay.status).toBe(201);
    expect(JSON.parse(replay.body).capture).toMatchObject({ origin: 'replay', replayOf: '1', status: 200 });
    const got = origin.received[1];
    expect(got?.url).toBe('/edited');
    expect(got?.body.toString()).toBe('{"amount":100000}');
    expect(got?.headers['content-length']).toBe('17');
    const har = JSON.parse((await api('/api/v1/har')).body);
    expect(harValidator()(har)).toBe(true);
    expect(har.log.entries).toHaveLength(2);
  });

  it('names the inspector in the --json ready line; --no-web starts none', async () => {
    const env = isolatedEnv(dir, { HOOKLINE_DATA_DIR: join(dir, 'data') });
    const json = spawnCli(['http', String(origin.port), '--json'], { cwd: dir, env });
    const ready = JSON.parse((await json.waitForLine('stdout', /"type":"ready"/)).input);
    expect(ready.inspector).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#[\w-]{43}$/);
    await json.stop();
    const off = spawnCli(['http', String(origin.port), '--json', '--no-web'], { cwd: dir, env });
    const none = JSON.parse((await off.waitForLine('stdout', /"type":"ready"/)).input);
    expect(none.inspector).toBeNull();
    await off.stop();
  });

  it('keeps the tunnel up with a warning when --inspect-port is taken, and refuses a bad one as a user error', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const env = isolatedEnv(dir, { HOOKLINE_DATA_DIR: join(dir, 'data') });
      const busy = spawnCli(['http', String(origin.port), '--no-tui', '--inspect-port', String(port)], {
        cwd: dir,
        env,
      });
      await busy.waitForLine('stderr', /web inspector not started: .*EADDRINUSE/);
      await busy.waitForLine('stdout', /^Forwarding /);
      await busy.stop();
      const bad = spawnCli(['http', String(origin.port), '--inspect-port', 'ten'], { cwd: dir, env });
      expect((await bad.exited).code).toBe(1);
      expect(bad.output('stderr')).toMatch(/--inspect-port must be a port/);
    } finally {
      taken.close();
    }
  });
});
