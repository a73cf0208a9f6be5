import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyPump } from './body-pump.js';
import { BodySink } from './body-sink.js';
import { decodeMessage } from './codec.js';
import { MAX_CHUNK_SIZE } from './constants.js';
import { FrameWriter, type MessageSink } from './frame-writer.js';
import { type Frame, FrameType, frameTypeName } from './frames.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * A transport that delivers a copy of each message one turn after `send`, like a socket: `bufferedAmount`
 * counts what is still on its way and the send callback fires on delivery. `observe` sees each
 * message at the moment it leaves the writer.
 */
class LoopbackSink implements MessageSink {
  bufferedAmount = 0;
  maxBufferedAmount = 0;

  constructor(
    private readonly deliver: (data: Buffer) => void,
    private readonly observe: (data: Buffer) => void = () => {},
  ) {}

  send(sent: Buffer, callback: (error?: Error) => void): void {
    // A socket copies what it is given; the writer may reuse its buffer after the callback.
    const data = Buffer.from(sent);
    this.bufferedAmount += data.length;
    this.maxBufferedAmount = Math.max(this.maxBufferedAmount, this.bufferedAmount);
    this.observe(data);
    setImmediate(() => {
      this.bufferedAmount -= data.length;
      this.deliver(data);
      callback();
    });
  }
}

function framesOf(data: Buffer): Frame[] {
  const result = decodeMessage(data);
  if (!result.ok) throw result.error;
  return result.frames;
}

/** Writes `bytes` into `source` in pieces of the given sizes (in turn), honouring backpressure. */
async function produce(source: PassThrough, bytes: Buffer, sizes: readonly number[]): Promise<void> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    const piece = bytes.subarray(offset, offset + size);
    offset += piece.length;
    if (!source.write(piece)) await once(source, 'drain');
  }
  source.end();
}

interface TransferOptions {
  bytes: Buffer;
  pieceSizes: readonly number[];
  direction: 'request' | 'response';
  window: number;
  writerHighWaterMark?: number;
}

/**
 * Pump → FrameWriter → loopback transport → decode → BodySink → slow Writable, with the sink's
 * WINDOW frames travelling back through a second writer into `pump.grant()`.
 */
async function transfer(options: TransferOptions) {
  const stream = 7;
  const bodyType = options.direction === 'request' ? FrameType.REQUEST_BODY : FrameType.RESPONSE_BODY;
  const endType = options.direction === 'request' ? FrameType.REQUEST_END : FrameType.RESPONSE_END;
  const problems: string[] = [];
  const arrived: number[] = [];
  const hash = createHash('sha256');
  let received = 0;
  let sentBody = 0;
  let credited = 0;
  let maxInFlight = 0;
  let maxBodyFrame = 0;
  let ends = 0;

  const destination = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      received += chunk.length;
      setImmediate(callback);
    },
  });

  const checkInFlight = (inFlight: number, where: string) => {
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (inFlight > options.window) problems.push(`${inFlight} bytes in flight ${where}, window ${options.window}`);
  };

  let sink: BodySink | undefined;
  const forward = new LoopbackSink(
    (data) => {
      for (const frame of framesOf(data)) {
        arrived.push(frame.type);
        if (frame.stream !== stream) problems.push(`frame on stream ${frame.stream}`);
        if (frame.type === bodyType) sink?.push(frame.chunk);
        else if (frame.type === endType) sink?.end();
        else problems.push(`unexpected ${frameTypeName(frame.type)} frame`);
      }
    },
    (data) => {
      for (const frame of framesOf(data)) {
        if (frame.type !== bodyType) continue;
        maxBodyFrame = Math.max(maxBodyFrame, frame.chunk.length);
        sentBody += frame.chunk.length;
      }
      checkInFlight(sentBody - credited, 'on send');
    },
  );
  const pumpWriter = new FrameWriter(
    forward,
    options.writerHighWaterMark === undefined ? {} : { highWaterMark: options.writerHighWaterMark },
  );

  let pump: BodyPump | undefined;
  const backward = new LoopbackSink((data) => {
    for (const frame of framesOf(data)) {
      if (frame.type !== FrameType.WINDOW || frame.stream !== stream) {
        problems.push(`unexpected ${frameTypeName(frame.type)} frame on stream ${frame.stream} going back`);
        continue;
      }
      credited += frame.credit;
      pump?.grant(frame.credit);
      checkInFlight((pump?.bytes ?? 0) - credited, 'after a grant');
    }
  });
  sink = new BodySink({ destination, writer: new FrameWriter(backward), stream, window: options.window });

  const source = new PassThrough();
  pump = new BodyPump({
    source,
    writer: pumpWriter,
    stream,
    direction: options.direction,
    window: options.window,
    onEnd: () => ends++,
    onError: (error) => problems.push(`source error: ${error.message}`),
  });

  const finished = once(destination, 'finish');
  await produce(source, options.bytes, options.pieceSizes);
  await finished;
  // Anything sent after the END would show up within a couple of turns.
  await nextTurn();
  await nextTurn();

  return {
    problems,
    arrived,
    received,
    digest: hash.digest('hex'),
    sentBody,
    pumpBytes: pump.bytes,
    maxInFlight,
    maxBodyFrame,
    ends,
    maxTransportBuffered: forward.maxBufferedAmount,
    bodyType,
    endType,
  };
}

describe('BodyPump + BodySink', () => {
  const MiB = 1024 * 1024;
  const pieceSizes = [1, 1000, MAX_CHUNK_SIZE, MAX_CHUNK_SIZE + 1, 200_000, 7, 300_000, 16 * 1024];

  it('moves 5 MiB to a slow destination intact, within a 256 KiB window, in ≤ 64 KiB frames', async () => {
    const bytes = randomBytes(5 * MiB);
    const window = 256 * 1024;
    const result = await transfer({ bytes, pieceSizes, direction: 'request', window });

    expect(result.problems).toEqual([]);
    expect(result.received).toBe(bytes.length);
    expect(result.digest).toBe(sha256(bytes));
    expect(result.sentBody).toBe(bytes.length);
    expect(result.pumpBytes).toBe(bytes.length);
    expect(result.maxBodyFrame).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
    // The window was the real limit: the sender did fill it, and never went past it.
    expect(result.maxInFlight).toBeLessThanOrEqual(window);
    expect(result.maxInFlight).toBeGreaterThan(window / 2);
    // REQUEST_END arrives exactly once, after every body frame.
    expect(result.arrived.at(-1)).toBe(FrameType.REQUEST_END);
    expect(result.arrived.filter((type) => type === FrameType.REQUEST_END)).toHaveLength(1);
    expect(result.arrived.slice(0, -1).every((type) => type === FrameType.REQUEST_BODY)).toBe(true);
    expect(result.ends).toBe(1);
  });

  it('pauses on a congested transport and still delivers every byte (response direction)', async () => {
    const bytes = randomBytes(3 * MiB);
    const highWaterMark = 64 * 1024;
    const result = await transfer({
      bytes,
      pieceSizes,
      direction: 'response',
      window: 1 * MiB,
      writerHighWaterMark: highWaterMark,
    });

    expect(result.problems).toEqual([]);
    expect(result.digest).toBe(sha256(bytes));
    expect(result.maxBodyFrame).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
    expect(result.arrived.at(-1)).toBe(FrameType.RESPONSE_END);
    expect(result.arrived.slice(0, -1).every((type) => type === FrameType.RESPONSE_BODY)).toBe(true);
    // The pump checks congestion between source chunks, so it overshoots by at most one of them.
    const largestPiece = Math.max(...pieceSizes);
    expect(result.maxTransportBuffered).toBeLessThanOrEqual(highWaterMark + largestPiece + 1024);
  });

  it('finishes an empty body with just the END frame', async () => {
    const result = await transfer({ bytes: Buffer.alloc(0), pieceSizes, direction: 'request', window: 1024 });
    expect(result.problems).toEqual([]);
    expect(result.arrived).toEqual([FrameType.REQUEST_END]);
    expect(result.ends).toBe(1);
  });
});

/** A writer whose messages are decoded synchronously into `frames`. */
function recordingWriter() {
  const frames: Frame[] = [];
  const writer = new FrameWriter({
    bufferedAmount: 0,
    send(data, callback) {
      frames.push(...framesOf(data));
      callback();
    },
  });
  return { frames, writer };
}

const bodyBytes = (frames: readonly Frame[]) =>
  frames.reduce((sum, frame) => sum + ('chunk' in frame ? frame.chunk.length : 0), 0);

describe('BodyPump', () => {
  it('sends no more than its credit, split into ≤ 64 KiB frames, and resumes on grant()', async () => {
    const { frames, writer } = recordingWriter();
    const source = new PassThrough({ highWaterMark: 1024 * 1024 });
    const pump = new BodyPump({ source, writer, stream: 3, direction: 'response', window: 100_000 });
    source.end(randomBytes(300_000));
    await nextTurn();
    await nextTurn();
    expect(bodyBytes(frames)).toBe(100_000);
    expect(frames.every((frame) => frame.type === FrameType.RESPONSE_BODY && frame.stream === 3)).toBe(true);
    expect(Math.max(...frames.map((frame) => ('chunk' in frame ? frame.chunk.length : 0)))).toBe(MAX_CHUNK_SIZE);

    pump.grant(150_000);
    await nextTurn();
    expect(bodyBytes(frames)).toBe(250_000);
    expect(frames.some((frame) => frame.type === FrameType.RESPONSE_END)).toBe(false);

    pump.grant(50_000);
    await nextTurn();
    expect(bodyBytes(frames)).toBe(300_000);
    expect(frames.at(-1)).toEqual({ type: FrameType.RESPONSE_END, stream: 3 });
    expect(pump.bytes).toBe(300_000);
  });

  it('after stop() sends nothing more, ignores grants and never writes END', async () => {
    const { frames, writer } = recordingWriter();
    const source = new PassThrough();
    let ended = false;
    const pump = new BodyPump({
      source,
      writer,
      stream: 1,
      direction: 'request',
      window: 10,
      onEnd: () => {
        ended = true;
      },
    });
    source.write(Buffer.alloc(100));
    await nextTurn();
    expect(bodyBytes(frames)).toBe(10);
    pump.stop();
    pump.grant(1000);
    source.end(Buffer.alloc(5));
    await nextTurn();
    expect(bodyBytes(frames)).toBe(10);
    expect(frames.some((frame) => frame.type === FrameType.REQUEST_END)).toBe(false);
    expect(ended).toBe(false);
  });

  it('reports a source error through onError', async () => {
    const { writer } = recordingWriter();
    const source = new PassThrough();
    const errors: string[] = [];
    new BodyPump({ source, writer, stream: 1, direction: 'request', onError: (error) => errors.push(error.message) });
    source.destroy(new Error('boom'));
    await nextTurn();
    expect(errors).toEqual(['boom']);
  });
});

describe('BodySink', () => {
  /** A destination that accepts writes synchronously until told otherwise. */
  function destination(highWaterMark: number) {
    const chunks: Buffer[] = [];
    const writable = new Writable({
      highWaterMark,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        setImmediate(callback);
      },
    });
    return { chunks, writable };
  }

  it('returns credit in batches of a quarter window while the destination keeps up', async () => {
    const { frames, writer } = recordingWriter();
    const { writable } = destination(1024 * 1024);
    const sink = new BodySink({ destination: writable, writer, stream: 9, window: 4000 });
    sink.push(Buffer.alloc(600));
    writer.flush();
    expect(frames).toEqual([]);
    sink.push(Buffer.alloc(600));
    writer.flush();
    expect(frames).toEqual([{ type: FrameType.WINDOW, stream: 9, credit: 1200 }]);
    expect(sink.bytes).toBe(1200);
    await nextTurn();
  });

  it('withholds credit while the destination is full and returns all of it on drain', async () => {
    const { frames, writer } = recordingWriter();
    const { writable, chunks } = destination(100);
    const sink = new BodySink({ destination: writable, writer, stream: 2, window: 400 });
    sink.push(Buffer.alloc(150));
    sink.push(Buffer.alloc(150));
    writer.flush();
    expect(frames).toEqual([]);
    await once(writable, 'drain');
    writer.flush();
    expect(frames).toEqual([{ type: FrameType.WINDOW, stream: 2, credit: 300 }]);
    expect(chunks.map((chunk) => chunk.length)).toEqual([150, 150]);
  });

  it('after close() neither writes nor returns credit; end() ends the destination once', async () => {
    const { frames, writer } = recordingWriter();
    const { writable, chunks } = destination(100);
    const sink = new BodySink({ destination: writable, writer, stream: 2, window: 400 });
    sink.push(Buffer.alloc(150));
    sink.end();
    sink.end();
    sink.push(Buffer.alloc(150));
    await once(writable, 'finish');
    writer.flush();
    expect(frames).toEqual([]);
    expect(chunks.map((chunk) => chunk.length)).toEqual([150]);
  });
});
