import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedEnv, RELAY_LISTENING, runCli, spawnCli, stopAllCli } from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

/** Run a short CLI command to its end. */
const run = (args: string[], dir: string) => runCli(args, { cwd: dir, env: isolatedEnv(dir) });

describe('hookline token, relay --data-dir, http --queue and queue (real processes)', () => {
  let dir: string;
  let origin: Origin;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-queue-'));
    origin = await startOrigin();
  });

  afterEach(async () => {
    await stopAllCli();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (args: string[]) => spawnCli(args, { cwd: dir, env: isolatedEnv(dir) });

  it('creates, lists and revokes tokens; a revoked token is refused', async () => {
    const data = join(dir, 'relay-data');
    const created = await run(['token', 'create', '--data-dir', data, '--label', 'ci', '--json'], dir);
    expect(created.code).toBe(0);
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: string };
    expect(token).toMatch(/^hl_/);
    const listed = JSON.parse((await run(['token', 'list', '--data-dir', data, '--json'], dir)).stdout);
    expect(listed).toMatchObject([{ id, label: 'ci' }]);
    expect(JSON.stringify(listed)).not.toContain(token);
    expect((await run(['token', 'revoke', id, '--data-dir', data], dir)).code).toBe(0);
    const again = await run(['token', 'revoke', id, '--data-dir', data], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active token/);

    const relay = start(['relay', '--port', '0', '--data-dir', data, '--auth', 'required']);
    const url = (await relay.waitForLine('stdout', RELAY_LISTENING))[1] as string;
    const refused = await run(['http', String(origin.port), '--relay', url, '--token', token, '--no-tui'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/E_UNAUTHORIZED/);
  });

  it('queues webhooks while hookline http is stopped and delivers them when it is back', async () => {
    const data = join(dir, 'relay-data');
    const { token } = JSON.parse((await run(['token', 'create', '--data-dir', data, '--json'], dir)).stdout);
    const relay = start(['relay', '--port', '0', '--data-dir', data, '--auth', 'required']);
    const url = (await relay.waitForLine('stdout', RELAY_LISTENING))[1] as string;
    const httpArgs = [
      'http',
      String(origin.port),
      '--relay',
      url,
      '--token',
      token,
      '--name',
      'shop',
      '--queue',
      '--no-tui',
    ];
    const first = start(httpArgs);
    await first.waitForLine('stdout', /^Forwarding /);
    await first.stop();

    const queued = await send(`${url}/t/shop/webhooks`, { method: 'POST', body: '{"id":"evt_1"}' });
    expect(queued.status).toBe(202);
    const delivery = String(queued.headers['hookline-delivery']);
    const listed = await run(['queue', '--relay', url, '--token', token, '--name', 'shop', '--json'], dir);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: delivery, state: 'pending', nextAttemptAt: null }]);
    expect(listed.stdout.endsWith(']\n')).toBe(true);
    const readable = await run(['queue', 'list', '--relay', url, '--token', token, '--name', 'shop'], dir);
    expect(readable.stdout).toMatch(new RegExp(`^${delivery}\\s+pending\\s+POST /webhooks\\s+not tried yet\\n$`));
    const all = await run(['queue', 'retry', '--all', '--relay', url, '--token', token, '--name', 'shop'], dir);
    expect(all.stdout).toBe('retrying 1 delivery\n');

    const second = start(httpArgs);
    await second.waitForLine('stdout', /^Forwarding /);
    await second.waitForLine('stdout', /POST\s+\/webhooks\s+200/);
    expect(origin.requests[0]?.headers['hookline-delivery']).toBe(delivery);
    expect(origin.requests[0]?.body.toString()).toBe('{"id":"evt_1"}');
    const human = await run(['queue', 'list', '--relay', url, '--token', token, '--name', 'shop'], dir);
    expect(human.stderr).toMatch(/queue of shop is empty/);

    // The owner frees the name; asking again is refused like any name that is not the token's.
    await second.stop();
    const released = await run(['name', 'release', 'shop', '--relay', url, '--token', token], dir);
    expect(released.code).toBe(0);
    expect(released.stdout).toBe('released shop\n');
    const again = await run(['name', 'release', 'shop', '--relay', url, '--token', token], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/the name is not one of its names \(E_UNAUTHORIZED\)/);
  });

  it('takes the queue setting from hookline.json too', async () => {
    const data = join(dir, 'relay-data');
    const { token } = JSON.parse((await run(['token', 'create', '--data-dir', data, '--json'], dir)).stdout);
    const relay = start(['relay', '--port', '0', '--data-dir', data, '--auth', 'required']);
    const url = (await relay.waitForLine('stdout', RELAY_LISTENING))[1] as string;
    writeFileSync(join(dir, 'hookline.json'), JSON.stringify({ relay: url, token, name: 'cfg', queue: 'serial' }));
    const http = start(['http', String(origin.port), '--no-tui']);
    await http.waitForLine('stdout', /^Forwarding /);
    await http.stop();
    const queued = await send(`${url}/t/cfg/hook`, { method: 'POST', body: 'x' });
    expect(queued.status).toBe(202);
  });

  it('refuses --queue without a token and name, in one clear line', async () => {
    const result = await run(
      ['http', String(origin.port), '--relay', 'http://127.0.0.1:9', '--queue', '--no-tui'],
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--queue needs a token-owned name/);
  });
});
