import { describe, expect, it } from 'vitest';
import { CaptureStore } from './capture-store.js';
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

  it('the store keeps the public path, and records without one load without it', async () => {
    const store = await CaptureStore.open({ file: null });
    const recorder = new ExchangeRecorder({ sink: store, target: 'http://x/', tunnel: () => 't' });
    recorder.request('a', { ...head, target: '/x', publicPath: '/t/demo/x' }, 1);
    recorder.done('a', { totalMs: 1, error: null });
    recorder.request('b', { ...head, target: '/y' }, 2);
    recorder.done('b', { totalMs: 1, error: null });
    await store.flush();
    expect(store.get('1')?.request.publicPath).toBe('/t/demo/x');
    expect('publicPath' in (store.get('2')?.request ?? {})).toBe(false);
    await store.close();
  });
});
