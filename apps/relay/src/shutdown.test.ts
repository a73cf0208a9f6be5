import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { handleShutdownSignals } from './shutdown.js';

function harness(stop: (graceMs: number) => Promise<void>) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const handlers = new Map<string, () => void>();
  const exits: number[] = [];
  const exited = new Promise<number>((resolve) => {
    handleShutdownSignals({
      logger: createLogger('info', sink),
      graceMs: 1_000,
      stop,
      exit: (code) => {
        exits.push(code);
        resolve(code);
      },
      onSignal: (signal, handler) => handlers.set(signal, handler),
    });
  });
  return { lines, handlers, exits, exited };
}

describe('handleShutdownSignals', () => {
  it('stops with the grace on the first signal and exits 0', async () => {
    const graces: number[] = [];
    const { handlers, exited, lines } = harness(async (graceMs) => {
      graces.push(graceMs);
    });
    handlers.get('SIGTERM')?.();
    expect(await exited).toBe(0);
    expect(graces).toEqual([1_000]);
    expect(lines.map((line) => line.msg)).toEqual([
      'relay stopping: no new connections, exchanges in flight may finish',
      'relay stopped',
    ]);
  });

  it('exits at once with 128 + signal on a second signal', async () => {
    const { handlers, exited, exits } = harness(() => new Promise(() => {}));
    handlers.get('SIGTERM')?.();
    handlers.get('SIGINT')?.();
    expect(await exited).toBe(130);
    expect(exits).toEqual([130]);
  });

  it('exits 1 when stopping fails', async () => {
    const { handlers, exited } = harness(() => Promise.reject(new Error('boom')));
    handlers.get('SIGINT')?.();
    expect(await exited).toBe(1);
  });
});
