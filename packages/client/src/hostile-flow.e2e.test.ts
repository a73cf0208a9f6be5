import { Agent } from 'node:http';
import { type Frame, FrameType } from '@hookline/protocol';
import { createRelay, type Relay } from '@hookline/relay';
import { connectHostileClient, frames, type HostileClient, pushBlindly } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempt, stalledCaller } from './test-support/caller-outcome.js';
import { type HonestTunnel, openHonestTunnel } from './test-support/honest-tunnel.js';

const WINDOW = 64 * 1024;
const MiB = 1024 * 1024;
/** Far beyond what the window, the socket buffers and the caller's kernel can absorb. */
const PUSH_LIMIT = 256 * MiB;

describe('a tunnel client that ignores flow control', () => {
  let relay: Relay;
  let port: number;
  let honest: HonestTunnel;
  let client: HostileClient | undefined;

  beforeAll(async () => {
    relay = createRelay({ streamWindow: WINDOW, tunnelRate: { perSecond: 1e6, burst: 1e6 } });
    port = (await relay.listen(0, '127.0.0.1')).port;
    honest = await openHonestTunnel(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await client?.close();
    await honest?.close();
    await relay?.close();
  });

  const resetOf = (stream: number) => (f: Frame) => f.type === FrameType.RESET && f.stream === stream;

  it('loses the stream (RESET E_FLOW_CONTROL) at the first overrun and its session at the second; others unharmed', async () => {
    const relayUrl = `http://127.0.0.1:${port}`;
    client = await connectHostileClient(relayUrl, 'flood');
    expect(client.ready.window).toBe(WINDOW);
    // Two callers that never read: nothing drains, so the relay grants no credit back.
    const callers = [stalledCaller(port, '/t/flood/a'), stalledCaller(port, '/t/flood/b')];
    const first = await client.nextRequest();
    const second = await client.nextRequest();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await client.send(frames.head(first.stream, 200));
      let reset: Frame | undefined;
      void client.frame(resetOf(first.stream)).then((f) => {
        reset = f;
      });
      const pushedFirst = await pushBlindly(client, first.stream, PUSH_LIMIT, () => reset !== undefined);
      expect(reset).toMatchObject({ reset: { code: 'E_FLOW_CONTROL' } });
      expect(pushedFirst).toBeLessThan(PUSH_LIMIT);
      // One violation costs the stream only: the session still answers, and the honest tunnel too.
      expect(client.received.some((f) => f.type === FrameType.ERROR)).toBe(false);
      await Promise.all(honest.round(relayUrl, agent, 'during'));

      await client.send(frames.head(second.stream, 200));
      let ended: Frame | undefined;
      void client
        .frame((f) => f.type === FrameType.ERROR)
        .then((f) => {
          ended = f;
        });
      const pushedSecond = await pushBlindly(client, second.stream, PUSH_LIMIT, () => ended !== undefined);
      expect(pushedSecond).toBeLessThan(PUSH_LIMIT);
      expect(ended).toMatchObject({ message: { code: 'E_FLOW_CONTROL' } });
      expect(await client.closed).toBe(1008);
      console.log(`pushed before the relay stopped it: ${pushedFirst} B, then ${pushedSecond} B (window ${WINDOW} B)`);

      // Both callers got a head, part of a body, and a cut connection: never a whole answer.
      for (const caller of callers) {
        const text = await caller.drain();
        expect(text.startsWith('HTTP/1.1 200 OK')).toBe(true);
        expect(text.endsWith('0\r\n\r\n')).toBe(false);
      }
      await Promise.all(honest.round(relayUrl, agent, 'after'));
    } finally {
      agent.destroy();
      for (const caller of callers) caller.socket.destroy();
    }
  });

  it('drops what a client keeps pushing on a stream it already lost, without ending the session', async () => {
    const relayUrl = `http://127.0.0.1:${port}`;
    const flood = await connectHostileClient(relayUrl, 'flood-on');
    const caller = stalledCaller(port, '/t/flood-on/a');
    try {
      const request = await flood.nextRequest();
      await flood.send(frames.head(request.stream, 200));
      let reset = false;
      void flood.frame(resetOf(request.stream)).then(() => {
        reset = true;
      });
      await pushBlindly(flood, request.stream, PUSH_LIMIT, () => reset);
      // 16 MiB more on the lost stream: late frames, dropped; not a second violation.
      await pushBlindly(flood, request.stream, 16 * MiB, () => false);
      // The session still serves its next request.
      const next = attempt(`${relayUrl}/t/flood-on/b`, 'GET', new Agent());
      const stream = (await flood.nextRequest()).stream;
      await flood.send(
        frames.head(stream, 200, ['content-length', '2']),
        frames.body(stream, 'ok'),
        frames.end(stream),
      );
      expect(await next).toMatchObject({ status: 200, cut: false, body: Buffer.from('ok') });
      expect(flood.received.some((f) => f.type === FrameType.ERROR)).toBe(false);
      expect(await caller.drain()).not.toContain('0\r\n\r\n');
    } finally {
      caller.socket.destroy();
      await flood.close();
    }
  });
});
