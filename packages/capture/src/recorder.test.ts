import { describe, expect, it } from 'vitest';
import { storeDataSchema } from './record-schema.js';
import { ExchangeRecorder } from './recorder.js';
import type { CaptureDraft } from './types.js';

/** A sink that keeps what it is given: the recorder's whole contract with a store. */
function recordInto(drafts: CaptureDraft[]) {
  return new ExchangeRecorder({ sink: { add: (draft) => drafts.push(draft) }, target: 'http://x/', tunnel: () => 't' });
}

const head = { method: 'POST', headers: [], remoteAddress: '', protocol: 'http' as const, host: '127.0.0.1:4747' };

describe('ExchangeRecorder public path', () => {
  it('keeps the public path the relay reports, and none when it sent none', () => {
    const drafts: CaptureDraft[] = [];
    const recorder = recordInto(drafts);
    recorder.request('a', { ...head, target: '/webhooks/stripe', publicPath: '/t/demo/webhooks/stripe' }, 1);
    recorder.done('a', { totalMs: 1, error: null });
    recorder.request('b', { ...head, target: '/hooks' }, 2);
    recorder.done('b', { totalMs: 1, error: null });
    expect(drafts.map((draft) => [draft.request.path, draft.request.publicPath])).toEqual([
      ['/webhooks/stripe', '/t/demo/webhooks/stripe'],
      ['/hooks', undefined],
    ]);
    expect('publicPath' in (drafts[1]?.request ?? {})).toBe(false);
  });

  it('store records load with a public path and without one (records from before it)', () => {
    const drafts: CaptureDraft[] = [];
    const recorder = recordInto(drafts);
    recorder.request('a', { ...head, target: '/x', publicPath: '/t/demo/x' }, 1);
    recorder.done('a', { totalMs: 1, error: null });
    recorder.request('b', { ...head, target: '/y' }, 2);
    recorder.done('b', { totalMs: 1, error: null });
    const data = { version: 1, nextId: 3, captures: drafts.map((draft, i) => ({ id: String(i + 1), ...draft })) };
    const parsed = storeDataSchema.parse(JSON.parse(JSON.stringify(data)));
    expect(parsed.captures.map((record) => record.request.publicPath)).toEqual(['/t/demo/x', undefined]);
  });
});
