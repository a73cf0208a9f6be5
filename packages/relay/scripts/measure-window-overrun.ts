/**
 * Relay memory under a tunnel client that ignores flow control (issue 14).
 * Run: node --import tsx packages/relay/scripts/measure-window-overrun.ts
 *
 * A: one stream, a caller that never reads, 1 GiB of RESPONSE_BODY pushed without
 *    waiting for WINDOW (and still pushed after the relay reset the stream).
 * B: N streams to callers that never read, each filled to exactly its window by a
 *    client that obeys it: the most a client can make the relay hold legally.
 */
import { connect, type Socket } from 'node:net';
import { FrameType } from '@hookline/protocol';
import { connectHostileClient, frames, memoryOf, pushBlindly, resetPeak, spawnRelay } from '@hookline/testing';

const MiB = 1024 * 1024;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

function stalledCaller(port: number, path: string): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  socket.pause();
  return socket;
}

const relay = await spawnRelay({ options: { tunnelRate: { perSecond: 1e6, burst: 1e6 } } });
const url = relay.ready.url;
try {
  // A
  const a = await connectHostileClient(url, 'overrun');
  const window = a.ready.window;
  const callerA = stalledCaller(relay.ready.port, '/t/overrun/x');
  const streamA = (await a.nextRequest()).stream;
  await a.send(frames.head(streamA, 200));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseA = memoryOf(relay.pid).rss;
  resetPeak(relay.pid);
  const pushed = await pushBlindly(a, streamA, 1024 * MiB, () => false);
  const peakA = memoryOf(relay.pid).peak;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const afterA = memoryOf(relay.pid).rss;
  const reset = a.received.find((f) => f.type === FrameType.RESET && f.stream === streamA);
  console.log(
    `A: pushed ${mib(pushed)} MiB blind at one stream (window ${mib(window)} MiB): relay RSS ${mib(baseA)} -> peak ${mib(peakA)} MiB (+${mib(peakA - baseA)}), ${mib(afterA)} MiB a second later; stream reset: ${reset?.type === FrameType.RESET ? reset.reset.code : 'no'}`,
  );
  callerA.destroy();
  await a.close();

  // B
  const streams = Number(process.argv[2] ?? 200);
  const b = await connectHostileClient(url, 'fill');
  const callers = Array.from({ length: streams }, (_, i) => stalledCaller(relay.ready.port, `/t/fill/${i}`));
  const ids: number[] = [];
  for (let i = 0; i < streams; i++) ids.push((await b.nextRequest()).stream);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseB = memoryOf(relay.pid).rss;
  resetPeak(relay.pid);
  for (const id of ids) {
    await b.send(frames.head(id, 200));
    // Exactly the window: the relay grants more only as this caller drains, and it never reads.
    for (let sent = 0; sent < window; sent += 4 * 64 * 1024) await b.send(...frames.bulk(id, 4 * 64 * 1024));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const peakB = memoryOf(relay.pid).peak;
  const violations = b.received.filter((f) => f.type === FrameType.RESET).length;
  console.log(
    `B: ${streams} streams each filled to the window: relay RSS ${mib(baseB)} -> peak ${mib(peakB)} MiB (+${mib(peakB - baseB)}, ${mib((peakB - baseB) / streams)} MiB per stream); resets: ${violations}`,
  );
  for (const socket of callers) socket.destroy();
  await b.close();
} finally {
  await relay.stop();
}
