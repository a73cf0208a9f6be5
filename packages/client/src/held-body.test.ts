import type { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { HeldBody, HoldBudget } from './held-body.js';

const KiB = 1024;

/**
 * Write `body` into a HeldBody bound at `maxBytes`, in 16 KiB chunks, and end it.
 * Past the bound, a slow reader (one chunk per turn, as a local request may be)
 * drains the pass-through, so bytes are still unread when the body finishes.
 */
async function hold(body: Buffer, maxBytes: number) {
  let read: Promise<Buffer> | null = null;
  let whole: Buffer | null = null;
  const budget = new HoldBudget(1024 * KiB);
  const slowly = async (stream: PassThrough) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return Buffer.concat(chunks);
  };
  const held = new HeldBody(maxBytes, budget, {
    whole: (bytes) => {
      whole = bytes;
    },
    overflow: (stream) => {
      read = slowly(stream);
    },
  });
  for (let at = 0; at < body.length; at += 16 * KiB) held.write(body.subarray(at, at + 16 * KiB));
  held.end();
  await finished(held);
  return { held, budget, read: read as Promise<Buffer> | null, whole: whole as Buffer | null };
}

describe('HeldBody', () => {
  const body = Buffer.from(Array.from({ length: 200 * KiB }, (_, i) => i % 251));

  it('hands over a body within the bound whole, and gives the budget back', async () => {
    const { whole, read, budget } = await hold(body, 256 * KiB);
    expect(read).toBeNull();
    expect(whole?.equals(body)).toBe(true);
    expect(budget.take(1024 * KiB)).toBe(true);
  });

  it('past the bound, forwards every byte even when the body finishes before the reader has them', async () => {
    const { read, whole, held } = await hold(body, 64 * KiB);
    expect(whole).toBeNull();
    expect(held.destroyed).toBe(true); // finished, and so destroyed (autoDestroy), with bytes still unread
    expect((await read)?.equals(body)).toBe(true);
  });
});
