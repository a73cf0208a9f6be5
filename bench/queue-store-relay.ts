/**
 * The relay for bench/queue-store.ts, in its own process, with an IPC channel: the
 * bench asks it for the queue database's commit stats (`queueCommitStats()`, not
 * there before the SQLite store: null then), its queue depth and the event-loop
 * delay it saw since the last `mark` (perf_hooks.monitorEventLoopDelay at 1 ms).
 * argv[2]: JSON { options }. Sends { ready: { url, port, pid } } when listening.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createRelay, type RelayOptions } from '@hookline/relay';

export interface CommitFigures {
  commits: number;
  writes: number;
  totalMs: number;
  maxMs: number;
}

export interface RelaySample {
  /** null: this relay has no embedded queue database (the append-log store). */
  commits: CommitFigures | null;
  pending: number;
  /** Event-loop delay since the last mark, ms (samples every 1 ms: an idle loop reads ~1.1). */
  loop: { p50: number; p99: number; max: number; mean: number };
}

export type RelayRequest = { id: number; command: 'mark' | 'sample' };

const config = JSON.parse(process.argv[2] ?? '{}') as { options?: RelayOptions };
const relay = createRelay(config.options ?? {});
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

// Through `in`: the same file also runs against the append-log relay, which has no such method.
const commitStats = (): CommitFigures | null => ('queueCommitStats' in relay ? relay.queueCommitStats() : null);
const ms = (ns: number) => ns / 1e6;

function sample(): RelaySample {
  return {
    commits: commitStats(),
    pending: relay.queueDepth().pending,
    loop: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) },
  };
}

const address = await relay.listen(0, '127.0.0.1');
process.on('message', (message: RelayRequest) => {
  const reply = sample();
  if (message.command === 'mark') loop.reset();
  process.send?.({ id: message.id, sample: reply });
});
process.send?.({ ready: { url: relay.url, port: address.port, pid: process.pid } });
const stop = () => void relay.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
