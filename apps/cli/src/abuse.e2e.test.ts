import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliProcess, isolatedEnv, RELAY_LISTENING, spawnCli } from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

/** Every file and folder under `dir` (itself included), with its permission bits. */
function modesUnder(dir: string): Array<{ path: string; mode: string }> {
  const found: Array<{ path: string; mode: string }> = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    const mode = (stat.mode & 0o777).toString(8);
    found.push({ path, mode: stat.isDirectory() ? `dir ${mode}` : mode });
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
  return found;
}

describe('hookline http against a guarded relay (real processes)', () => {
  let dir: string;
  let data: string;
  let procs: CliProcess[];
  let origin: Origin;
  let token: string;
  let relayUrl: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-abuse-'));
    data = join(dir, 'relay-data');
    procs = [];
    origin = await startOrigin();
    const created = start(['token', 'create', '--data-dir', data, '--json']);
    await created.exited;
    token = (JSON.parse(created.output('stdout')) as { token: string }).token;
    const relay = start(['relay', '--port', '0', '--data-dir', data, '--auth', 'required', '--trust-proxy']);
    relayUrl = (await relay.waitForLine('stdout', RELAY_LISTENING))[1] as string;
  });

  afterEach(async () => {
    for (const proc of procs) await proc.stop();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(args: string[]): CliProcess {
    const proc = spawnCli(args, { cwd: dir, env: isolatedEnv(dir) });
    procs.push(proc);
    return proc;
  }

  const http = (...extra: string[]) =>
    start(['http', String(origin.port), '--relay', relayUrl, '--token', token, '--no-tui', ...extra]);

  /** A bad token on the connect route, from `forwardedFor` as the proxy reports it (or the socket's address). */
  const guess = (forwardedFor?: string) =>
    send(`${relayUrl}/_hookline/connect`, {
      headers: {
        authorization: 'Bearer hl_guess',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
    });

  it('a stranger behind the proxy locks out only himself; locked out, hookline says what happened', async () => {
    for (let i = 0; i < 25; i += 1) await guess('198.51.100.7');
    expect((await guess('198.51.100.7')).status).toBe(429);
    const online = http('--name', 'shop');
    await online.waitForLine('stdout', /^Forwarding /);
    await online.stop();

    // Now failures from this machine's own address (no proxy header: the socket address counts).
    for (let i = 0; i < 20; i += 1) await guess();
    const refused = http('--name', 'shop');
    expect((await refused.exited).code).toBe(1);
    expect(refused.output('stderr')).toMatch(
      /^hookline: the relay refused: too many failed token checks from your address; retry in \d+ s \(E_RATE_LIMITED\)$/m,
    );
    expect(refused.output('stderr')).not.toMatch(/cannot reach/);
  });

  it('refuses a second terminal for the same name, and --takeover stops the first with a clear line', async () => {
    const first = http('--name', 'shop');
    await first.waitForLine('stdout', /^Forwarding /);
    const second = http('--name', 'shop');
    expect((await second.exited).code).toBe(1);
    expect(second.output('stderr')).toMatch(
      /^hookline: the relay refused: tunnel name "shop" is in use by another client from 127\.0\.0\.1 since .*--takeover.* \(E_NAME_IN_USE\)$/m,
    );
    const third = http('--name', 'shop', '--takeover');
    await third.waitForLine('stdout', /^Forwarding /);
    await first.waitForLine(
      'stderr',
      /^tunnel failed: .*taken over by another client.*this one stops \(E_NAME_IN_USE\)$/,
    );
    expect((await first.exited).code).toBe(1);
    expect(first.output('stderr')).not.toMatch(/reconnecting/);
    expect((await send(`${relayUrl}/t/shop/after`)).status).toBe(200);
  });

  it('after a full run every file under the relay data dir and the capture dir is 0600 in 0700 folders, without the basic-auth password', async () => {
    const tunnel = http('--name', 'shop', '--basic-auth', 'alice:s3cret-pass', '--queue');
    await tunnel.waitForLine('stdout', /^Forwarding /);
    const authorization = `Basic ${Buffer.from('alice:s3cret-pass').toString('base64')}`;
    const live = await send(`${relayUrl}/t/shop/live`, { method: 'POST', headers: { authorization }, body: 'live' });
    expect(live.status).toBe(200);
    expect(origin.requests[0]?.headers.authorization).toBeUndefined();
    await tunnel.waitForLine('stdout', /POST\s+\/live\s+200/);
    // A body big enough to be kept as a file beside the capture database.
    const big = await send(`${relayUrl}/t/shop/big`, {
      method: 'POST',
      headers: { authorization },
      body: 'b'.repeat(200_000),
    });
    expect(big.status).toBe(200);
    await tunnel.waitForLine('stdout', /POST\s+\/big\s+200/);
    await tunnel.stop();
    const queued = await send(`${relayUrl}/t/shop/queued`, { method: 'POST', headers: { authorization }, body: 'q' });
    expect(queued.status).toBe(202);

    const captures = join(dir, 'hookline');
    const all = [...modesUnder(data), ...modesUnder(captures)];
    expect(all.map((entry) => entry.path)).toEqual(
      expect.arrayContaining([
        join(data, 'tokens.json'),
        join(data, 'names.json'),
        join(captures, 'captures.db'),
        join(captures, 'captures.db.bodies'),
        join(captures, 'captures.db.bodies', '2.req'),
      ]),
    );
    // The offline queue's database and its WAL (where the queued webhook sits) are walked too.
    expect(all.map((entry) => entry.path)).toEqual(
      expect.arrayContaining([join(data, 'queue.db'), join(data, 'queue.db-wal'), join(data, 'relay.lock')]),
    );
    for (const entry of all) {
      expect(entry).toEqual({ path: entry.path, mode: entry.mode.startsWith('dir') ? 'dir 700' : '600' });
      if (!entry.mode.startsWith('dir')) {
        const text = readFileSync(entry.path, 'latin1');
        expect(text).not.toContain(authorization.slice('Basic '.length));
        expect(text).not.toContain('s3cret-pass');
      }
    }
  });
});
