import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { discardUntil } from './lent-input.js';

/** A real stream read the way Ink reads stdin (utf8, `readable` + `read()`). */
function input(): PassThrough {
  const stream = new PassThrough();
  stream.setEncoding('utf8');
  return stream;
}

/** What the next reader (Ink) gets once `discardUntil` is done. */
function nextRead(stream: PassThrough): Promise<string> {
  return new Promise((resolve) => {
    stream.once('readable', () => resolve(String(stream.read() ?? '')));
  });
}

describe('discardUntil', () => {
  it('drops everything up to and including the marker, even split across chunks', async () => {
    const stream = input();
    const done = discardUntil(stream, '\x1b[0n', 5_000);
    stream.write('typed in vim: ecq');
    stream.write('\x1b[>84;0;0c\x1b[1;1R\x1b]11;rgb:0000/0000/0000\x07\x1b[');
    stream.write('0n');
    expect(await done).toBe(true);
    const next = nextRead(stream);
    stream.write('j');
    expect(await next).toBe('j');
  });

  it('gives up after the timeout when no marker comes, and still leaves the stream readable', async () => {
    const stream = input();
    stream.write('c');
    expect(await discardUntil(stream, '\x1b[0n', 20)).toBe(false);
    const next = nextRead(stream);
    stream.write('k');
    expect(await next).toBe('k');
  });
});
