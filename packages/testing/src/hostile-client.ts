import { randomBytes } from 'node:crypto';
import {
  decodeMessage,
  encodeFrame,
  type Frame,
  FrameType,
  MAX_CHUNK_SIZE,
  type ReadyFrame,
  type RequestHeadFrame,
} from '@hookline/protocol';
import { WebSocket } from 'ws';

/**
 * A protocol-v1 tunnel client that says whatever its test tells it to: it
 * handshakes like a real one, then answers each request with hand-built frames.
 * It never reads WINDOW unless told, so it can break every rule a relay has to
 * hold a client to (framing, flow control, stream ids).
 */
export interface HostileClient {
  readonly name: string;
  /** The relay's READY (window, urls). */
  readonly ready: ReadyFrame['message'];
  /** Every frame the relay sent after READY, in order. */
  readonly received: Frame[];
  /** Resolves with the first frame received (so far or later) that matches. */
  frame(match: (frame: Frame) => boolean): Promise<Frame>;
  /** Resolves with the next REQUEST_HEAD the relay sends (one per call, in order). */
  nextRequest(): Promise<RequestHeadFrame>;
  /** Send frames as one WebSocket message; resolves once ws has written it. */
  send(...frames: Frame[]): Promise<void>;
  /** Resolves with the close code once the relay (or `close`) ended the connection. */
  readonly closed: Promise<number>;
  close(): Promise<void>;
}

export interface HostileClientOptions {
  /** Bearer token, for relays that require one (and for queued tunnels). */
  token?: string;
  /** Ask for a durable queue (`serial`, `parallel:N`): the relay's queued live path then carries its answers. */
  queue?: string;
}

/** Connect to `relayUrl` (the relay's http base URL) and claim tunnel `name`. */
export async function connectHostileClient(
  relayUrl: string,
  name: string,
  options: HostileClientOptions = {},
): Promise<HostileClient> {
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const socket = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/_hookline/connect`, {
    perMessageDeflate: false,
    headers,
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('error', () => {});
  const received: Frame[] = [];
  const waiters: Array<{ match: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];
  let requestsTaken = 0;
  let onReady: ((frame: ReadyFrame) => void) | null = null;
  const ready = new Promise<ReadyFrame>((resolve) => {
    onReady = resolve;
  });

  socket.on('message', (data: Buffer) => {
    const decoded = decodeMessage(data);
    if (!decoded.ok) return;
    for (const frame of decoded.frames) {
      if (frame.type === FrameType.READY) {
        onReady?.(frame);
        continue;
      }
      received.push(frame);
      for (const waiter of [...waiters]) {
        if (!waiter.match(frame)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });

  const frame = (match: (frame: Frame) => boolean): Promise<Frame> => {
    const seen = received.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  };

  socket.send(
    encodeFrame({
      type: FrameType.HELLO,
      stream: 0,
      message: {
        versions: [1],
        clientId: `hostile-${randomBytes(8).toString('hex')}`,
        name,
        ...(options.queue === undefined ? {} : { queue: options.queue }),
      },
    }),
  );
  const readyFrame = await Promise.race([
    ready,
    closed.then((code) => Promise.reject(new Error(`relay closed the connection (${code}) before READY`))),
  ]);

  return {
    name,
    ready: readyFrame.message,
    received,
    frame,
    async nextRequest() {
      const index = requestsTaken++;
      let seen = -1;
      return (await frame((f) => f.type === FrameType.REQUEST_HEAD && ++seen === index)) as RequestHeadFrame;
    },
    send(...frames) {
      if (socket.readyState !== WebSocket.OPEN) return Promise.resolve();
      const message = Buffer.concat(frames.map((f) => encodeFrame(f)));
      return new Promise((resolve) => socket.send(message, () => resolve()));
    },
    closed,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      await closed;
    },
  };
}

/** Frame builders for hand-written answers. */
export const frames = {
  head: (stream: number, status: number, headers: string[] = [], statusText?: string): Frame => ({
    type: FrameType.RESPONSE_HEAD,
    stream,
    head: statusText === undefined ? { status, headers } : { status, statusText, headers },
  }),
  body: (stream: number, chunk: Buffer | string): Frame => ({
    type: FrameType.RESPONSE_BODY,
    stream,
    chunk: typeof chunk === 'string' ? Buffer.from(chunk) : chunk,
  }),
  end: (stream: number): Frame => ({ type: FrameType.RESPONSE_END, stream }),
  /** `bytes` of body as MAX_CHUNK_SIZE frames. */
  bulk: (stream: number, bytes: number, fill = 0x61): Frame[] => {
    const out: Frame[] = [];
    for (let left = bytes; left > 0; left -= MAX_CHUNK_SIZE) {
      out.push({ type: FrameType.RESPONSE_BODY, stream, chunk: Buffer.alloc(Math.min(left, MAX_CHUNK_SIZE), fill) });
    }
    return out;
  },
};

/** A whole second response, the payload of a response-splitting attempt. */
export const INJECTED_RESPONSE = 'HTTP/1.1 200 OK\r\nSet-Cookie: session=attacker\r\nContent-Length: 7\r\n\r\nhijack!';

/** Push body frames on `stream` without ever waiting for WINDOW, until `stop()` or `maxBytes`; returns bytes sent. */
export async function pushBlindly(
  client: HostileClient,
  stream: number,
  maxBytes: number,
  stop: () => boolean,
): Promise<number> {
  const perMessage = 3;
  let sent = 0;
  while (sent < maxBytes && !stop()) {
    await client.send(...frames.bulk(stream, perMessage * MAX_CHUNK_SIZE));
    sent += perMessage * MAX_CHUNK_SIZE;
  }
  return sent;
}
