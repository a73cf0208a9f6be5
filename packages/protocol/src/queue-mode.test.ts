import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeFrame } from './codec.js';
import { FrameType } from './frames.js';
import { isQueueMode } from './messages.js';

describe('queue mode: one rule for HELLO, the reservations and --queue', () => {
  it('takes serial and parallel:1 … parallel:64, nothing else', () => {
    expect(['serial', 'parallel:1', 'parallel:9', 'parallel:10', 'parallel:64'].filter(isQueueMode)).toHaveLength(5);
    const refused = ['parallel:0', 'parallel:65', 'parallel:70', 'parallel:99', 'parallel:01', 'Serial', 'parallel'];
    expect(refused.filter(isQueueMode)).toEqual([]);
  });

  it('is what HELLO is validated against', () => {
    const hello = (queue: string) =>
      decodeMessage(
        encodeFrame({
          type: FrameType.HELLO,
          stream: 0,
          message: { versions: [1], clientId: 'client-id-0123456789', queue: queue as 'serial' },
        }),
      ).ok;
    expect([hello('parallel:64'), hello('parallel:70')]).toEqual([true, false]);
  });
});
