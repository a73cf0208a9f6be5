import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureCliBuilt,
  isolatedEnv,
  runCli,
  type SpawnCliOptions,
  spawnCli,
  startHttpCli,
  startRelayCli,
  stopAllCli,
} from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

const MiB = 1024 * 1024;

/**
 * `hookline relay` is the relay service (apps/relay): its flags, config file, JSON
 * logs, metrics and graceful stop, in real child processes on port 0.
 */
describe('hookline relay (real processes)', () => {
  let dir: string;
  let origin: Origin;
  let options: SpawnCliOptions;

  beforeAll(() => ensureCliBuilt(), 120_000);
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-relay-cmd-'));
    options = { cwd: dir, env: isolatedEnv(dir) };
    origin = await startOrigin();
  });
  afterEach(async () => {
    await stopAllCli();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(() => stopAllCli());

  /** `hookline http` on `relay` with tunnel `name`, once it forwards. */
  const forward = async (relay: string, name: string) => {
    const http = spawnCli(['http', String(origin.port), '--relay', relay, '--name', name, '--no-tui'], options);
    await http.waitForLine('stdout', /^Forwarding /);
  };

  it('answers 429 past the burst with --tunnel-rate 5 --tunnel-burst 5', async () => {
    const relay = await startRelayCli(['--port', '0', '--tunnel-rate', '5', '--tunnel-burst', '5'], options);
    await forward(relay.url, 'rated');
    // All at once: 5 pass on the burst; the bucket refills 5 a second, far slower than 30 arrive.
    const replies = await Promise.all(Array.from({ length: 30 }, () => send(`${relay.base}/t/rated/hook`)));
    const passed = replies.filter((reply) => reply.status === 200);
    const limited = replies.filter((reply) => reply.status === 429);
    expect(passed.length).toBeGreaterThanOrEqual(5);
    expect(passed.length + limited.length).toBe(30);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers['hookline-error']).toBe('E_RATE_LIMITED');
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('reads a config file: limits reach the relay, a relative data dir is beside the file', async () => {
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'etc', 'relay.json'), JSON.stringify({ maxBodyBytes: 1000, dataDir: 'data' }));
    const relay = await startRelayCli(['--port', '0', '--config', 'etc/relay.json'], options);
    expect(relay.listening.dataDir).toBe(join(dir, 'etc', 'data'));
    expect(existsSync(join(dir, 'etc', 'data', 'relay.lock'))).toBe(true);
    await forward(relay.url, 'small');
    const small = await send(`${relay.base}/t/small/hook`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(small.status).toBe(200);
    const big = await send(`${relay.base}/t/small/hook`, { method: 'POST', body: 'x'.repeat(1001) });
    expect(big.status).toBe(413);
    expect(big.headers['hookline-error']).toBe('E_BODY_TOO_LARGE');
  });

  it('logs JSON lines like the image, serves metrics for its token, and stops gracefully', async () => {
    const token = 'metrics-token-0123456789';
    const relay = await startRelayCli(['--port', '0', '--data-dir', ':memory:'], {
      ...options,
      env: isolatedEnv(dir, { HOOKLINE_METRICS_TOKEN: token }),
    });
    expect(relay.listening).toMatchObject({ dataDir: null, tunnels: [`${relay.url}/t/<name>`] });
    const metrics = await send(`${relay.base}/_hookline/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^hookline_tunnels_online 0$/m);
    expect(await relay.proc.stop()).toEqual({ code: 0, signal: null });
    const lines = relay.proc.lines('stdout').map((line) => JSON.parse(line) as { name: string; msg: string });
    expect(lines.map((line) => line.msg)).toEqual([
      'relay listening',
      'relay stopping: no new connections, exchanges in flight may finish',
      'relay stopped',
    ]);
    expect(lines.every((line) => line.name === 'hookline-relay')).toBe(true);
  });

  it.each([
    [['--tunnel-rate', 'fast'], /^hookline relay: --tunnel-rate must be a number above 0, got "fast"$/],
    [['--max-body-bytes', '10MB'], /^hookline relay: --max-body-bytes must be a whole number of bytes, 1 or more/],
    [['--headers-timeout', 'soon'], /^hookline relay: --headers-timeout must be a duration above 0: /],
    [['--shutdown-grac', '1'], /^hookline relay: unknown option --shutdown-grac \(see --help\)$/],
  ])('refuses %j: exit 1, one line naming the setting and its form', async (args, message) => {
    const result = await runCli(['relay', '--port', '0', ...args], options);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown key in the config file, naming it', async () => {
    writeFileSync(join(dir, 'relay.json'), JSON.stringify({ tunnelRates: 5 }));
    const result = await runCli(['relay', '--config', 'relay.json'], options);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^hookline relay: config file .*relay\.json: unknown setting "tunnelRates" \(known: /,
    );
  });

  it('prints the settings table as --help', async () => {
    const result = await runCli(['relay', '--help'], options);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: hookline relay \[options\]/);
    expect(result.stdout).toMatch(/--tunnel-rate <requests per second> +requests per tunnel/);
    expect(result.stdout).toContain('HOOKLINE_QUEUE_MAX_ENTRIES');
  });

  it("gives hookline http's embedded relay the same body limit: 32 MiB", async () => {
    const { base } = await startHttpCli(origin.port, 'embedded', options);
    const over = await send(`${base}/hook`, {
      method: 'POST',
      // Refused from the head alone: no need to send 32 MiB to see the limit.
      headers: { 'content-length': String(32 * MiB + 1), expect: '100-continue' },
    });
    expect(over.status).toBe(413);
    expect(over.headers['hookline-error']).toBe('E_BODY_TOO_LARGE');
  });
});

describe('hookline token and hookline relay, with no flags', () => {
  let dir: string;
  beforeAll(() => ensureCliBuilt(), 120_000);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-relay-default-'));
  });
  afterEach(async () => {
    await stopAllCli();
    rmSync(dir, { recursive: true, force: true });
  });

  it('share one default data dir, so the token created first is accepted', async () => {
    const options = { cwd: dir, env: isolatedEnv(dir, { XDG_DATA_HOME: join(dir, 'data-home') }) };
    const created = await runCli(['token', 'create', '--json'], options);
    expect(created.code).toBe(0);
    const relay = await startRelayCli(['--port', '0', '--auth', 'required'], options);
    expect(relay.listening.dataDir).toBe(join(dir, 'data-home', 'hookline', 'relay'));
    const origin = await startOrigin();
    try {
      const { token } = JSON.parse(created.stdout) as { token: string };
      const http = spawnCli(['http', String(origin.port), '--relay', relay.url, '--token', token, '--no-tui'], options);
      await http.waitForLine('stdout', /^Forwarding /);
    } finally {
      await stopAllCli();
      await origin.close();
    }
  });
});
