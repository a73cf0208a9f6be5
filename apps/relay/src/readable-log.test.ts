import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { readableLogLine } from './readable-log.js';

describe('readableLogLine', () => {
  it('prints time, level, message and every field but the prefix ones', () => {
    const json = JSON.stringify({
      level: 'info',
      time: '2026-01-05T10:00:00.123Z',
      pid: 1,
      hostname: 'relay-1',
      name: 'hookline-relay',
      url: 'http://127.0.0.1:4747',
      tunnels: ['http://127.0.0.1:4747/t/<name>'],
      note: 'two words',
      msg: 'relay listening',
    });
    expect(readableLogLine(json)).toBe(
      '10:00:00.123 INFO  relay listening url=http://127.0.0.1:4747 tunnels=["http://127.0.0.1:4747/t/<name>"] note="two words"\n',
    );
  });

  it('shows an error with its stack under the line, and passes a line that is not JSON as it is', () => {
    const json = JSON.stringify({
      level: 'fatal',
      time: '2026-01-05T10:00:00.000Z',
      msg: 'boom',
      err: { message: 'bad', stack: 'Error: bad\n    at x' },
    });
    expect(readableLogLine(json)).toBe('10:00:00.000 FATAL boom err=bad\n  Error: bad\n      at x\n');
    expect(readableLogLine('not json')).toBe('not json\n');
  });
});

describe('createLogger', () => {
  const capture = (isTTY: boolean) => {
    const lines: string[] = [];
    return { lines, output: { isTTY, write: (text: string) => lines.push(text) } };
  };

  it('writes JSON lines when its output is not a terminal, readable ones on a terminal', () => {
    const pipe = capture(false);
    createLogger('info', pipe.output).info({ port: 1 }, 'hello');
    expect(JSON.parse(pipe.lines[0] ?? '')).toMatchObject({
      level: 'info',
      name: 'hookline-relay',
      port: 1,
      msg: 'hello',
    });
    const tty = capture(true);
    createLogger('info', tty.output).warn({ port: 1 }, 'hello');
    expect(tty.lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}hello port=1\n$/);
  });
});
