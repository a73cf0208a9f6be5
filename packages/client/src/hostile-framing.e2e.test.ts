import { Agent } from 'node:http';
import { type Frame, FrameType } from '@hookline/protocol';
import { createRelay, type Relay } from '@hookline/relay';
import {
  connectHostileClient,
  frames,
  type HostileClient,
  INJECTED_RESPONSE,
  type KeepAliveProxy,
  startKeepAliveProxy,
} from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempt, type Outcome } from './test-support/caller-outcome.js';
import { type HonestTunnel, openHonestTunnel } from './test-support/honest-tunnel.js';

const { head, body, end } = frames;
const WINDOW = 64 * 1024;
const ATTEMPTS = 2;

interface Row {
  input: string;
  method?: 'GET' | 'HEAD';
  /** How the hostile client answers stream `s` (frames per WebSocket message). */
  answer(client: HostileClient, s: number): Promise<unknown>;
  /** What the hostile tunnel's own caller gets: a whole answer, or `cut`. */
  expected: { status: number; code?: string; body?: string; cut?: false } | { cut: true };
  /** The relay resets the client's stream with this code, or ends its session with it. */
  reset?: string;
  sessionEnds?: string;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
const cl = (n: number | string) => ['Content-Length', String(n)];

const ROWS: Row[] = [
  {
    input: 'Content-Length 5, then 5 bytes + a whole second response in the same frame',
    answer: (c, s) => c.send(head(s, 200, cl(5)), body(s, `hello${INJECTED_RESPONSE}`), end(s)),
    expected: { status: 200, body: 'hello' },
    reset: 'E_BAD_RESPONSE',
  },
  {
    input: 'Content-Length 5, 5 bytes, the second response in a later message',
    answer: async (c, s) => {
      await c.send(head(s, 200, cl(5)), body(s, 'hello'));
      await tick();
      await c.send(body(s, INJECTED_RESPONSE), end(s));
    },
    expected: { status: 200, body: 'hello' },
  },
  {
    input: 'Content-Length 100, 5 bytes, END',
    answer: (c, s) => c.send(head(s, 200, cl(100)), body(s, 'short'), end(s)),
    expected: { cut: true },
  },
  {
    input: 'Content-Length 5, 5 bytes, END, then more body and END',
    answer: (c, s) => c.send(head(s, 200, cl(5)), body(s, 'hello'), end(s), body(s, INJECTED_RESPONSE), end(s)),
    expected: { status: 200, body: 'hello' },
  },
  {
    input: 'no length (relay chunks it), END, then a second response as body',
    answer: (c, s) => c.send(head(s, 200), body(s, 'hello'), end(s), body(s, INJECTED_RESPONSE), end(s)),
    expected: { status: 200, body: 'hello' },
  },
  {
    input: 'two Content-Length fields, 5 and 5',
    answer: (c, s) => c.send(head(s, 200, [...cl(5), ...cl(5)]), body(s, 'hello'), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
    reset: 'E_BAD_RESPONSE',
  },
  {
    input: 'two Content-Length fields, 5 and 50',
    answer: (c, s) => c.send(head(s, 200, [...cl(5), ...cl(50)]), body(s, 'hello'), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
    reset: 'E_BAD_RESPONSE',
  },
  {
    input: 'Content-Length "5, 5"',
    answer: (c, s) => c.send(head(s, 200, cl('5, 5')), body(s, 'hello'), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'Content-Length "abc"',
    answer: (c, s) => c.send(head(s, 200, cl('abc')), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'Content-Length 5 with Transfer-Encoding: chunked',
    answer: (c, s) =>
      c.send(head(s, 200, [...cl(5), 'Transfer-Encoding', 'chunked']), body(s, '5\r\nhello\r\n0\r\n\r\n'), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: '100 Continue as the only head, then body and END',
    answer: (c, s) => c.send(head(s, 100), body(s, INJECTED_RESPONSE), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: '102 and 103 Early Hints, then 200',
    answer: (c, s) =>
      c.send(head(s, 102), head(s, 103, ['Link', '</a.css>; rel=preload']), head(s, 200, cl(2)), body(s, 'ok'), end(s)),
    expected: { status: 200, body: 'ok' },
  },
  {
    input: '101 Switching Protocols to a plain request, then bytes',
    answer: (c, s) =>
      c.send(head(s, 101, ['Upgrade', 'websocket', 'Connection', 'upgrade']), body(s, INJECTED_RESPONSE), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'status 600',
    answer: (c, s) => c.send(head(s, 600, cl(2)), body(s, 'no'), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'status 999',
    answer: (c, s) => c.send(head(s, 999), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'status 99 (outside the protocol schema)',
    answer: (c, s) => c.send(head(s, 99), end(s)),
    expected: { status: 502, code: 'E_PROTOCOL' },
    sessionEnds: 'E_PROTOCOL',
  },
  {
    input: 'body before any head',
    answer: (c, s) => c.send(body(s, INJECTED_RESPONSE), head(s, 200), end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'END before any head',
    answer: (c, s) => c.send(end(s)),
    expected: { status: 502, code: 'E_BAD_RESPONSE' },
  },
  {
    input: 'a second final head after a whole answer',
    answer: (c, s) => c.send(head(s, 200, cl(5)), body(s, 'hello'), head(s, 200, cl(7)), body(s, 'hijack!'), end(s)),
    expected: { status: 200, body: 'hello' },
  },
  {
    input: 'a second final head in the middle of a body',
    answer: (c, s) => c.send(head(s, 200, cl(10)), body(s, 'hello'), head(s, 200, cl(7)), body(s, 'hijack!'), end(s)),
    expected: { cut: true },
    reset: 'E_BAD_RESPONSE',
  },
  {
    input: 'HEAD answered with Content-Length 5 and 5 bytes of body',
    method: 'HEAD',
    answer: (c, s) => c.send(head(s, 200, cl(5)), body(s, 'hello'), end(s)),
    expected: { status: 200, body: '' },
    reset: 'E_BAD_RESPONSE',
  },
  {
    input: '204 with Content-Length 5 and a body',
    answer: (c, s) => c.send(head(s, 204, cl(5)), body(s, 'hello'), end(s)),
    expected: { status: 204, body: '' },
  },
  {
    input: '304 with a body',
    answer: (c, s) => c.send(head(s, 304), body(s, INJECTED_RESPONSE), end(s)),
    expected: { status: 304, body: '' },
  },
  {
    input: 'RESET after a whole answer',
    answer: (c, s) =>
      c.send(head(s, 200, cl(5)), body(s, 'hello'), {
        type: FrameType.RESET,
        stream: s,
        reset: { code: 'E_LOCAL_ERROR', message: 'late' },
      }),
    expected: { status: 200, body: 'hello' },
  },
  {
    input: 'frames for its own finished stream, then a frame for a stream never opened',
    answer: async (c, s) => {
      await c.send(head(s, 200, cl(5)), body(s, 'hello'), end(s));
      await tick();
      await c.send(head(s, 200), body(s, INJECTED_RESPONSE), end(s));
      await c.send(head(s + 1000, 200), body(s + 1000, INJECTED_RESPONSE));
    },
    expected: { status: 200, body: 'hello' },
    sessionEnds: 'E_PROTOCOL',
  },
];

describe('a hostile tunnel client against a real relay, beside an honest tunnel', () => {
  let relay: Relay;
  let honest: HonestTunnel;
  let proxy: KeepAliveProxy;
  let direct: Agent;
  let relayUrl: string;
  let hostileCount = 0;
  const table: Array<{ input: string; count: number; status: string; code: string }> = [];

  beforeAll(async () => {
    relay = createRelay({ streamWindow: WINDOW, tunnelRate: { perSecond: 1e6, burst: 1e6 } });
    const port = (await relay.listen(0, '127.0.0.1')).port;
    relayUrl = `http://127.0.0.1:${port}`;
    honest = await openHonestTunnel(relayUrl);
    proxy = await startKeepAliveProxy(port);
    direct = new Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterAll(async () => {
    direct?.destroy();
    await proxy?.close();
    await honest?.close();
    await relay?.close();
    console.table(table);
    console.log(`honest responses checked: ${honest?.checked}`);
  });

  async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function runRow(row: Row, via: 'direct' | 'proxy'): Promise<Outcome> {
    const name = `evil-${hostileCount++}`;
    const client = await connectHostileClient(relayUrl, name);
    try {
      const base = via === 'proxy' ? proxy.url : relayUrl;
      const agent = via === 'proxy' ? new Agent({ keepAlive: false }) : direct;
      // Through the proxy, honest callers queue on the same upstream connection before and after the hostile one.
      const before = via === 'proxy' ? honest.round(base, agent, `r${hostileCount}-before`) : [];
      const outcome = attempt(`${base}/t/${name}/x`, row.method ?? 'GET', agent);
      const after = honest.round(base, agent, `r${hostileCount}-after`);
      const request = await withTimeout(client.nextRequest(), 'the request head');
      await row.answer(client, request.stream);
      const got = await withTimeout(outcome, 'the hostile caller');
      await Promise.all([...before, ...after]);
      if (row.reset) {
        const matches = (f: Frame) => f.type === FrameType.RESET && f.stream === request.stream;
        expect(await withTimeout(client.frame(matches), 'RESET')).toMatchObject({ reset: { code: row.reset } });
      }
      if (row.sessionEnds) {
        const error = await withTimeout(
          client.frame((f) => f.type === FrameType.ERROR),
          'ERROR',
        );
        expect(error).toMatchObject({ message: { code: row.sessionEnds } });
      }
      return got;
    } finally {
      await client.close();
    }
  }

  for (const row of ROWS) {
    it(`${row.input} → ${row.expected.cut ? 'connection cut' : `${row.expected.status} ${row.expected.code ?? ''}`}`, async () => {
      const seen: Outcome[] = [];
      for (const via of ['direct', 'proxy'] as const) {
        for (let i = 0; i < ATTEMPTS; i++) seen.push(await runRow(row, via));
      }
      for (const got of seen) {
        // A cut seen through the proxy may reach the caller as the proxy's own 502.
        if (row.expected.cut) {
          expect(got.cut || got.headers['x-proxy-error'] !== undefined).toBe(true);
          continue;
        }
        expect({ cut: got.cut, status: got.status, code: got.code }).toEqual({
          cut: false,
          status: row.expected.status,
          code: row.expected.code,
        });
        if (row.expected.body !== undefined) expect(got.body.toString()).toBe(row.expected.body);
        expect(got.headers['set-cookie']).toBeUndefined();
      }
      const expected = row.expected;
      table.push({
        input: row.input,
        count: seen.length,
        status: expected.cut ? 'cut' : String(expected.status),
        code: expected.cut ? '-' : (expected.code ?? '-'),
      });
    });
  }
});
