import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedEnv, RELAY_LISTENING, runCli, spawnCli, stopAllCli } from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

const run = (args: string[], dir: string) => runCli(args, { cwd: dir, env: isolatedEnv(dir) });

/**
 * The relay's store as an operator meets it: a damaged file or a data dir in use
 * stops `hookline relay` with one line naming the file and what to do (exit 1),
 * never a silent empty start; `hookline token` says the same about its file.
 */
describe('hookline relay: a store it cannot trust refuses the start (real processes)', () => {
  let dir: string;
  let data: string;
  let origin: Origin;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-store-'));
    data = join(dir, 'relay-data');
    origin = await startOrigin();
  });

  afterEach(async () => {
    await stopAllCli();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (args: string[]) => spawnCli(args, { cwd: dir, env: isolatedEnv(dir) });
  let relayPid: number | undefined;
  const startRelay = async () => {
    const relay = start(['relay', '--port', '0', '--data-dir', data]);
    relayPid = relay.child.pid;
    const url = (await relay.waitForLine('stdout', RELAY_LISTENING))[1] as string;
    return { relay, url };
  };
  const newToken = async () =>
    (JSON.parse((await run(['token', 'create', '--data-dir', data, '--json'], dir)).stdout) as { token: string }).token;
  /** `hookline http` on the token-owned name q1 with an offline queue, once forwarding. */
  const forwardQueued = async (url: string, token: string) => {
    const args = ['http', String(origin.port), '--relay', url, '--token', token, '--name', 'q1', '--queue', '--no-tui'];
    const http = start(args);
    await http.waitForLine('stdout', /^Forwarding /);
    return http;
  };
  /** Start a relay once so every store file exists, store one queued webhook, stop it. */
  const seedStore = async () => {
    const { relay, url } = await startRelay();
    await (await forwardQueued(url, await newToken())).stop();
    const queued = await send(`${url}/t/q1/hook`, { method: 'POST', body: '{"id":"evt_1"}' });
    expect(queued.status).toBe(202);
    await relay.stop();
  };
  const refusal = async (pattern: RegExp) => {
    const result = await run(['relay', '--port', '0', '--data-dir', data], dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    return lines[0] as string;
  };

  it('honours a valid token on an open relay with a data dir: an owned name with --queue works', async () => {
    const { url } = await startRelay();
    await forwardQueued(url, await newToken());
    const live = await send(`${url}/t/q1/hook`, { method: 'POST', body: 'x' });
    expect(live.status).toBe(200);
    const wrong = await run(['http', String(origin.port), '--relay', url, '--token', 'hl_wrong', '--no-tui'], dir);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/E_UNAUTHORIZED/);
  });

  it('lets one relay use a data dir: a second exits 1 naming the pid that holds it', async () => {
    await startRelay();
    const line = await refusal(/data dir .* is in use by pid \d+/);
    const holder = Number(/pid (\d+)/.exec(line)?.[1]);
    expect(holder).toBe(relayPid);
  });

  it('refuses a truncated or overwritten queue database, and starts again once it is restored', async () => {
    await seedStore();
    const db = join(data, 'queue.db');
    const good = readFileSync(db);
    truncateSync(db, Math.floor(statSync(db).size / 2) + 100);
    await refusal(/the offline queue .*queue\.db is damaged .*restore it from a backup, or move it aside/);
    // A torn page: garbage over the second page (the table's b-tree), length unchanged.
    writeFileSync(db, good);
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
    closeSync(fd);
    await refusal(/queue\.db is damaged/);
    writeFileSync(db, good);
    await startRelay();
  });

  it('refuses a damaged names.json instead of starting with no reservations', async () => {
    await seedStore();
    writeFileSync(join(data, 'names.json'), '{"names": {"q1": {"name": "q1"');
    await refusal(/name reservations .*names\.json are damaged \(not valid JSON\).*move it aside/);
    writeFileSync(join(data, 'names.json'), '{"names": {"q1": {"name": "q1", "queue": null}}}');
    await refusal(/names\.json are damaged/);
  });

  it('refuses a damaged tokens.json or one short hash, at start and in hookline token', async () => {
    await seedStore();
    const path = join(data, 'tokens.json');
    const file = JSON.parse(readFileSync(path, 'utf8')) as { tokens: Array<{ hash: string }> };
    (file.tokens[0] as { hash: string }).hash = 'abc123';
    writeFileSync(path, JSON.stringify(file));
    await refusal(/token file .*tokens\.json is damaged \(tokens\.0\.hash: a token hash is not 64 hex digits\)/);
    writeFileSync(path, '\u0000\u0000garbage');
    await refusal(/tokens\.json is damaged \(not valid JSON\)/);
    const listed = await run(['token', 'list', '--data-dir', data], dir);
    expect(listed.code).toBe(1);
    expect(listed.stderr.trim()).toMatch(/^hookline: token file .*tokens\.json is damaged \(not valid JSON\)/);
  });
});
