import { describe, expect, it } from 'vitest';
import { decodeMessage } from './codec.js';
import { MAX_BATCH_BYTES, MAX_CHUNK_SIZE } from './constants.js';
import { FrameWriter, type MessageSink } from './frame-writer.js';
import { type Frame, FrameType } from './frames.js';

/** Records messages; send callbacks fire only when the test calls `complete()`, like ws after a socket write. */
class FakeSink implements MessageSink {
  bufferedAmount = 0;
  readonly messages: Buffer[] = [];
  readonly #callbacks: Array<(error?: Error) => void> = [];

  send(data: Buffer, callback: (error?: Error) => void): void {
    this.messages.push(data);
    this.#callbacks.push(callback);
  }

  complete(): void {
    const callback = this.#callbacks.shift();
    if (!callback) throw new Error('no send in flight');
    callback();
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function decoded(message: Buffer | undefined): Frame[] {
  if (!message) throw new Error('no message');
  const result = decodeMessage(message);
  if (!result.ok) throw result.error;
  return result.frames;
}

const head: Frame = {
  type: FrameType.RESPONSE_HEAD,
  stream: 1,
  head: { status: 200, headers: ['Content-Type', 'text/plain'] },
};

describe('FrameWriter', () => {
  it('sends every frame written in one turn as one message, in order, after setImmediate', async () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink);
    writer.write(head);
    writer.writeBody(FrameType.RESPONSE_BODY, 1, Buffer.from('hello'));
    writer.writeWindow(3, 4096);
    writer.write({ type: FrameType.RESPONSE_END, stream: 1 });
    expect(sink.messages).toHaveLength(0);

    await nextTurn();
    expect(sink.messages).toHaveLength(1);
    expect(decoded(sink.messages[0])).toEqual([
      head,
      { type: FrameType.RESPONSE_BODY, stream: 1, chunk: Buffer.from('hello') },
      { type: FrameType.WINDOW, stream: 3, credit: 4096 },
      { type: FrameType.RESPONSE_END, stream: 1 },
    ]);

    writer.write({ type: FrameType.REQUEST_END, stream: 2 });
    await nextTurn();
    expect(sink.messages).toHaveLength(2);
    expect(decoded(sink.messages[1])).toEqual([{ type: FrameType.REQUEST_END, stream: 2 }]);
  });

  it('sends a lone payload-less frame as its 9 header bytes', async () => {
    const sink = new FakeSink();
    new FrameWriter(sink).write({ type: FrameType.REQUEST_END, stream: 0x01020304 });
    await nextTurn();
    expect(sink.messages).toEqual([Buffer.from([0x12, 1, 2, 3, 4, 0, 0, 0, 0])]);
  });

  it('sends nothing in a turn with no writes', async () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink);
    writer.flush();
    await nextTurn();
    expect(sink.messages).toHaveLength(0);
  });

  it('flush() sends the batch at once and leaves no empty message for the end of the turn', async () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink);
    writer.writeWindow(1, 10);
    writer.flush();
    expect(sink.messages).toHaveLength(1);
    await nextTurn();
    expect(sink.messages).toHaveLength(1);
  });

  it('flushes at once when the batch reaches maxBatchBytes, then batches again', async () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink, { maxBatchBytes: 1000 });
    writer.writeBody(FrameType.REQUEST_BODY, 1, Buffer.alloc(500, 1));
    expect(sink.messages).toHaveLength(0);
    writer.writeBody(FrameType.REQUEST_BODY, 1, Buffer.alloc(600, 2));
    expect(sink.messages).toHaveLength(1);
    expect(decoded(sink.messages[0]).map((frame) => ('chunk' in frame ? frame.chunk.length : -1))).toEqual([500, 600]);

    writer.writeBody(FrameType.REQUEST_BODY, 1, Buffer.alloc(10, 3));
    expect(sink.messages).toHaveLength(1);
    await nextTurn();
    expect(sink.messages).toHaveLength(2);
    expect(decoded(sink.messages[1])).toEqual([
      { type: FrameType.REQUEST_BODY, stream: 1, chunk: Buffer.alloc(10, 3) },
    ]);
    await nextTurn();
    expect(sink.messages).toHaveLength(2);
  });

  it('defaults maxBatchBytes to MAX_BATCH_BYTES: four full body frames make one message', () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink);
    const chunk = Buffer.alloc(MAX_CHUNK_SIZE);
    const perBatch = Math.ceil(MAX_BATCH_BYTES / (MAX_CHUNK_SIZE + 9));
    for (let i = 1; i < perBatch; i++) writer.writeBody(FrameType.RESPONSE_BODY, 1, chunk);
    expect(sink.messages).toHaveLength(0);
    writer.writeBody(FrameType.RESPONSE_BODY, 1, chunk);
    expect(sink.messages).toHaveLength(1);
    expect(decoded(sink.messages[0])).toHaveLength(perBatch);
  });

  it('copies batched body chunks, so a caller reusing its buffer after the flush changes nothing sent', () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink);
    const chunk = Buffer.from('abc');
    writer.writeBody(FrameType.REQUEST_BODY, 1, chunk);
    writer.writeWindow(1, 1);
    writer.flush();
    chunk.fill(0);
    expect(decoded(sink.messages[0])[0]).toEqual({
      type: FrameType.REQUEST_BODY,
      stream: 1,
      chunk: Buffer.from('abc'),
    });
  });

  it('reports congested while batched plus transport-buffered bytes exceed highWaterMark', () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink, { highWaterMark: 1000 });
    expect(writer.congested).toBe(false);
    writer.writeBody(FrameType.REQUEST_BODY, 1, Buffer.alloc(900));
    expect(writer.congested).toBe(false);
    writer.writeBody(FrameType.REQUEST_BODY, 1, Buffer.alloc(100));
    expect(writer.congested).toBe(true);
    writer.flush();
    expect(writer.congested).toBe(false);
    sink.bufferedAmount = 1001;
    expect(writer.congested).toBe(true);
    sink.bufferedAmount = 1000;
    expect(writer.congested).toBe(false);
  });

  it('runs onDrain soon but not synchronously when the transport is not congested', async () => {
    const writer = new FrameWriter(new FakeSink());
    let called = 0;
    writer.onDrain(() => called++);
    expect(called).toBe(0);
    await Promise.resolve();
    expect(called).toBe(1);
  });

  it('runs onDrain waiters once, in order, when a send completes after bufferedAmount fell', () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink, { highWaterMark: 1000 });
    sink.bufferedAmount = 5000;
    const calls: string[] = [];
    writer.onDrain(() => calls.push('a'));
    writer.onDrain(() => calls.push('b'));

    writer.writeWindow(1, 1);
    writer.flush();
    writer.writeWindow(1, 2);
    writer.flush();
    sink.complete();
    expect(calls).toEqual([]);

    sink.bufferedAmount = 0;
    expect(calls).toEqual([]);
    sink.complete();
    expect(calls).toEqual(['a', 'b']);

    writer.writeWindow(1, 3);
    writer.flush();
    sink.complete();
    expect(calls).toEqual(['a', 'b']);
  });

  it('keeps waiters while the batch itself is above highWaterMark, until it is sent and acknowledged', () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink, { highWaterMark: 100 });
    writer.writeBody(FrameType.RESPONSE_BODY, 1, Buffer.alloc(200));
    let called = 0;
    writer.onDrain(() => called++);
    writer.flush();
    sink.bufferedAmount = 209;
    expect(called).toBe(0);
    sink.bufferedAmount = 0;
    sink.complete();
    expect(called).toBe(1);
  });

  it('close() drops the pending batch, ignores later writes and releases drain waiters', async () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink, { highWaterMark: 10, maxBatchBytes: 100 });
    writer.write(head);
    let released = 0;
    writer.onDrain(() => released++);
    writer.close();
    expect(released).toBe(1);

    writer.write(head);
    writer.writeBody(FrameType.RESPONSE_BODY, 1, Buffer.alloc(1000));
    writer.writeWindow(1, 1);
    writer.flush();
    await nextTurn();
    expect(sink.messages).toHaveLength(0);
    expect(writer.congested).toBe(false);
  });
});

describe('FrameWriter batch buffers', () => {
  it('joins a large batch into a buffer it reuses only after the send callback', async () => {
    const sink = new FakeSink();
    const writer = new FrameWriter(sink);
    const chunk = Buffer.alloc(MAX_CHUNK_SIZE, 1);
    writer.writeBody(FrameType.RESPONSE_BODY, 1, chunk);
    writer.writeBody(FrameType.RESPONSE_BODY, 1, chunk);
    await nextTurn();
    const first = sink.messages[0] as Buffer;
    expect(decoded(first).map((frame) => frame.type)).toEqual([FrameType.RESPONSE_BODY, FrameType.RESPONSE_BODY]);
    const before = Buffer.from(first);

    // While the first send is in flight, a second large batch gets other memory.
    writer.writeBody(FrameType.RESPONSE_BODY, 2, Buffer.alloc(MAX_CHUNK_SIZE, 2));
    writer.writeBody(FrameType.RESPONSE_BODY, 2, Buffer.alloc(MAX_CHUNK_SIZE, 2));
    await nextTurn();
    const second = sink.messages[1] as Buffer;
    expect(second.buffer).not.toBe(first.buffer);
    expect(first.equals(before)).toBe(true);

    // Once the first send is done, its memory is reused for the next batch.
    sink.complete();
    writer.writeBody(FrameType.RESPONSE_BODY, 3, chunk);
    writer.writeBody(FrameType.RESPONSE_BODY, 3, chunk);
    await nextTurn();
    expect((sink.messages[2] as Buffer).buffer).toBe(first.buffer);
    expect(decoded(sink.messages[2]).every((frame) => frame.stream === 3)).toBe(true);
  });
});
