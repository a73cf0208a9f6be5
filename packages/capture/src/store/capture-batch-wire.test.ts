import { describe, expect, it } from 'vitest';
import { makeDraft } from '../test-support/make-draft.js';
import { toWireBatch } from './capture-batch-wire.js';
import { toRow } from './capture-row.js';

const row = (id: number, body: string | Buffer, responseBody: string | Buffer) =>
  toRow({ id: String(id), ...makeDraft({ body, responseBody }) });

/** The two bodies of a wire row, cut from the batch buffer as the writer thread cuts them. */
function bodiesOf(bodies: ArrayBuffer, details: unknown[]) {
  const [requestAt, requestLength, responseAt, responseLength] = details.slice(-4) as number[];
  const all = Buffer.from(bodies);
  return {
    request: all.subarray(requestAt, (requestAt ?? 0) + (requestLength ?? 0)).toString(),
    response:
      (responseLength ?? -1) < 0
        ? null
        : all.subarray(responseAt, (responseAt ?? 0) + (responseLength ?? 0)).toString(),
  };
}

describe('toWireBatch', () => {
  const rows = [row(1, 'first request', 'first answer'), row(2, 'second', 'second answer')];

  it('puts every body in one buffer, where each row says, with the file bits', () => {
    const wire = toWireBatch(7, { rows, evictUpTo: null }, [0, 1]);
    expect(wire).toMatchObject({ seq: 7, evictFiles: true }); // unless told, evicted rows may have files
    expect(wire.rows.map(([, details]) => bodiesOf(wire.bodies, details))).toEqual([
      { request: 'first request', response: 'first answer' },
      { request: 'second', response: 'second answer' },
    ]);
    expect(wire.rows.map(([, details]) => details.at(-5))).toEqual([0, 1]);
    // A fresh buffer has room for the next batches too, when it comes back to be reused.
    expect(wire.bodies.byteLength).toBe(64 * 1024);
  });

  it('fills a spare buffer that is big enough instead of allocating one', () => {
    const spare = new ArrayBuffer(128 * 1024);
    const asked: number[] = [];
    const wire = toWireBatch(1, { rows, evictUpTo: 2, evictFiles: false }, [0, 0], (size) => {
      asked.push(size);
      return spare;
    });
    const total = ['first request', 'first answer', 'second', 'second answer'].join('').length;
    expect(asked).toEqual([total]);
    expect(wire.bodies).toBe(spare);
    expect(bodiesOf(wire.bodies, wire.rows[1]?.[1] ?? []).response).toBe('second answer');
    expect(wire).toMatchObject({ evictUpTo: 2, evictFiles: false });
  });
});
