import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { decodeMessage, encodeFrame, type Frame, FrameType } from '@hookline/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRelay, type Relay } from './relay.js';

const FRAMES = 100_000;

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', () => resolve(0))
      .end();
  });
}

/** A hand-driven client: answers every request with 200 so that streams get opened and finished. */
async function session(port: number, name: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/_hookline/connect`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const ready = new Promise((resolve) => socket.once('message', resolve));
  socket.send(
    encodeFrame({
      type: FrameType.HELLO,
      stream: 0,
      message: { versions: [1], clientId: `fuzz-${name}-0000000000`, name },
    }),
  );
  await ready;
  socket.on('message', (data: Buffer) => {
    const decoded = decodeMessage(data);
    if (!decoded.ok) return;
    for (const frame of decoded.frames) {
      if (frame.type !== FrameType.REQUEST_HEAD) continue;
      socket.send(
        Buffer.concat([
          encodeFrame({ type: FrameType.RESPONSE_HEAD, stream: frame.stream, head: { status: 200, headers: [] } }),
          encodeFrame({ type: FrameType.RESPONSE_END, stream: frame.stream }),
        ]),
      );
    }
  });
  return socket;
}

/** Frames a hostile or buggy client might send: well-formed ones for finished streams, mutations, junk. */
function hostileMessage(finishedStreams: number): { message: Buffer; frames: number } {
  const parts: Buffer[] = [];
  const count = 1 + Math.floor(Math.random() * 20);
  for (let i = 0; i < count; i++) {
    const stream = 1 + Math.floor(Math.random() * finishedStreams);
    const pick = Math.random();
    const frame: Frame =
      pick < 0.3
        ? { type: FrameType.RESPONSE_BODY, stream, chunk: randomBytes(Math.floor(Math.random() * 2048)) }
        : pick < 0.5
          ? { type: FrameType.WINDOW, stream, credit: 1 + Math.floor(Math.random() * 1e6) }
          : pick < 0.65
            ? { type: FrameType.RESPONSE_END, stream }
            : pick < 0.8
              ? { type: FrameType.RESET, stream, reset: { code: 'E_LOCAL_ERROR', message: 'fuzz' } }
              : {
                  type: FrameType.RESPONSE_HEAD,
                  stream,
                  head: { status: 100 + Math.floor(Math.random() * 500), headers: ['x-fuzz', 'y'] },
                };
    parts.push(encodeFrame(frame));
  }
  const message = Buffer.concat(parts);
  // One message in fifty is mangled: it must end the session, never the relay.
  if (Math.random() < 0.02) {
    const at = Math.floor(Math.random() * message.length);
    message[at] = (message[at] ?? 0) ^ 0xff;
  }
  return { message, frames: count };
}

describe('fuzzing a live relay session', () => {
  let relay: Relay;
  let port: number;

  beforeAll(async () => {
    relay = createRelay({ tunnelRate: { perSecond: 1e6, burst: 1e6 } });
    port = (await relay.listen(0, '127.0.0.1')).port;
  });

  afterAll(async () => {
    await relay.close();
  });

  it(`survives ${FRAMES} random and mutated frames from clients, and keeps serving`, async () => {
    let sent = 0;
    let sessions = 0;
    while (sent < FRAMES) {
      const name = `fuzz-${sessions++}`;
      const socket = await session(port, name);
      // Open and finish a few real streams so that frames for them are "late", not unknown.
      for (let i = 0; i < 5; i++) expect(await get(port, `/t/${name}/warm-${i}`)).toBe(200);
      while (socket.readyState === WebSocket.OPEN && sent < FRAMES) {
        const { message, frames } = hostileMessage(5);
        sent += frames;
        socket.send(message);
        // Let the relay answer now and then, so a session it ended is noticed here.
        if (sent % 200 < 20) await new Promise((resolve) => setTimeout(resolve, 1));
      }
      socket.terminate();
    }
    expect(await get(port, '/_hookline/healthz')).toBe(200);
    const survivor = await session(port, 'after-fuzz');
    expect(await get(port, '/t/after-fuzz/ok')).toBe(200);
    survivor.terminate();
    expect(sessions).toBeGreaterThan(1);
    console.log(`session fuzz: ${sent} frames over ${sessions} sessions`);
  }, 120_000);

  it('decodes 100 000 random byte strings to frames or a ProtocolError, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const result = decodeMessage(Buffer.from(bytes));
        return result.ok || result.error.code === 'E_PROTOCOL';
      }),
      { numRuns: 100_000 },
    );
  });
});
