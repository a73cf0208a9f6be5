import { connect } from 'node:net';
import { createRelay, type Relay } from '@hookline/relay';
import { connectHostileClient, frames, INJECTED_RESPONSE } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { head, body, end } = frames;

/** Send an upgrade request on a raw socket; resolves with all bytes once the relay closes it. */
function upgradeCall(port: number, path: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

describe('a hostile tunnel client answering upgrade requests', () => {
  let relay: Relay;
  let port: number;

  beforeAll(async () => {
    relay = createRelay({ tunnelRate: { perSecond: 1e6, burst: 1e6 } });
    port = (await relay.listen(0, '127.0.0.1')).port;
  });

  afterAll(async () => {
    await relay?.close();
  });

  const rows: Array<{ input: string; answer: (s: number) => ReturnType<typeof head>[]; check(text: string): void }> = [
    {
      input: 'status 600 to an upgrade → 502 E_BAD_RESPONSE',
      answer: (s) => [head(s, 600), end(s)],
      check: (text) => {
        expect(text).toMatch(/^HTTP\/1\.1 502 /);
        expect(text).toContain('hookline-error: E_BAD_RESPONSE');
      },
    },
    {
      input: 'a refused upgrade with Content-Length 5 and a second response after it → 5 bytes, then closed',
      answer: (s) => [head(s, 403, ['Content-Length', '5']), body(s, `hello${INJECTED_RESPONSE}`), end(s)],
      check: (text) => {
        expect(text).toMatch(/^HTTP\/1\.1 403 /);
        expect(text.endsWith('\r\n\r\nhello')).toBe(true);
        expect(text).not.toContain('attacker');
      },
    },
    {
      input: '100 before the 101 → the 100 is not written, the 101 is',
      answer: (s) => [head(s, 100), head(s, 101, ['Upgrade', 'websocket', 'Connection', 'upgrade']), end(s)],
      check: (text) => {
        expect(text).toMatch(/^HTTP\/1\.1 101 /);
        expect(text).not.toContain(' 100 ');
      },
    },
  ];

  rows.forEach((row, i) => {
    it(row.input, async () => {
      const name = `evil-upgrade-${i}`;
      const client = await connectHostileClient(relay.url, name);
      try {
        const answer = upgradeCall(port, `/t/${name}/ws`);
        const request = await client.nextRequest();
        expect(request.head.upgrade).toBe(true);
        await client.send(...row.answer(request.stream));
        row.check(await answer);
      } finally {
        await client.close();
      }
    });
  });
});
