import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineBatcher } from './line-batcher.js';

function recorder(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { stream, writes };
}

describe('LineBatcher', () => {
  it('writes the lines of one window in one write, in order, across event-loop turns', async () => {
    const { stream, writes } = recorder();
    const lines = new LineBatcher(stream, 150);
    lines.write('a');
    await new Promise((resolve) => setImmediate(resolve));
    lines.write('b');
    await new Promise((resolve) => setImmediate(resolve));
    lines.write('c');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(writes).toEqual(['a\nb\nc\n']);
    lines.write('d');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('flush writes what is pending at once, and only once', async () => {
    const { stream, writes } = recorder();
    const lines = new LineBatcher(stream);
    lines.write('last words');
    lines.flush();
    expect(writes).toEqual(['last words\n']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writes).toEqual(['last words\n']);
  });
});
