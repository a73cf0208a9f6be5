import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelay, createToken, type Relay } from '@hookline/relay';
import { connectHostileClient, frames, type HostileClient, INJECTED_RESPONSE } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attempt } from './test-support/caller-outcome.js';

/**
 * A queued tunnel's live path writes the client's answer to the sender too: the
 * same framing rules hold there as on the plain path (hostile-framing.e2e), and a
 * refused answer is no answer: the try counts, the sender gets 202 (stored), and
 * the webhook is delivered again.
 */
describe('queued live path vs a hostile tunnel client', () => {
  let dataDir: string;
  let relay: Relay;
  let url: string;
  let client: HostileClient;
  let agent: Agent;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-hostile-queued-'));
    const token = (await createToken(dataDir, 'q')).token;
    relay = createRelay({ dataDir, auth: 'required', queue: { initialDelayMs: 20, maxDelayMs: 40 } });
    url = `http://127.0.0.1:${(await relay.listen(0, '127.0.0.1')).port}`;
    client = await connectHostileClient(url, 'queued', { token, queue: 'parallel:4' });
    // One connection for both callers: a split response would reach the second one.
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterEach(async () => {
    agent.destroy();
    await client.close();
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes exactly the declared bytes; the next exchange on the connection is intact', async () => {
    const first = attempt(`${url}/t/queued/a`, 'POST', agent);
    const second = attempt(`${url}/t/queued/b`, 'POST', agent);
    const r1 = await client.nextRequest();
    await client.send(frames.head(r1.stream, 200, ['content-length', '5']), frames.body(r1.stream, 'hello'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await client.send(frames.body(r1.stream, INJECTED_RESPONSE), frames.end(r1.stream));
    const r2 = await client.nextRequest();
    await client.send(
      frames.head(r2.stream, 200, ['content-length', '2']),
      frames.body(r2.stream, 'ok'),
      frames.end(r2.stream),
    );
    const [a, b] = await Promise.all([first, second]);
    expect(a).toMatchObject({ status: 200, cut: false, body: Buffer.from('hello') });
    expect(b).toMatchObject({ status: 200, cut: false, body: Buffer.from('ok') });
    expect(b.headers['set-cookie']).toBeUndefined();
  });

  it('takes a status outside 200-599 as no answer: the sender gets 202 and the webhook is delivered again', async () => {
    const sent = attempt(`${url}/t/queued/hook`, 'POST', agent);
    const r1 = await client.nextRequest();
    await client.send(frames.head(r1.stream, 600, ['content-length', '0']), frames.end(r1.stream));
    const answer = await sent;
    expect(answer).toMatchObject({ status: 202, cut: false });
    expect(answer.headers['hookline-delivery']).toBe(r1.head.delivery?.id);
    const again = await client.nextRequest();
    expect(again.head.delivery).toMatchObject({ id: r1.head.delivery?.id, attempt: 2 });
  });
});
