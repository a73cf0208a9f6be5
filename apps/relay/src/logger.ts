import pino from 'pino';
import { readableLogLine } from './readable-log.js';
import type { LogLevel } from './service-settings.js';

export type ServiceLogger = pino.Logger;

/** Where log lines go: the program's stdout. */
export interface LogOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly fd?: number;
}

/** Info lines wait at most this long (or for 8 KiB of company) before they are written. */
const LOG_FLUSH_MS = 200;
const LOG_BUFFER_BYTES = 8 * 1024; // below sonic-boom's 16 KiB maxWrite
/**
 * The one line that may wait: one per exchange, the relay's access log. Every other
 * line (start, stop, tunnels, warnings) is written at once, after what waited.
 */
export const EXCHANGE_LOG_MESSAGE = 'exchange';

/**
 * JSON lines: level as a word and time as ISO 8601, so a log pipeline (or a person
 * with `jq`) reads them without pino's numeric conventions. On a terminal the same
 * lines are printed readable instead. On the process's stdout (fd 1) writes are
 * synchronous but batched, as nginx buffers its access log: the info line of each
 * exchange was one write syscall per request (and a wake-up of whoever reads the
 * log). Any other line flushes at once, and so does exit, so the line about a
 * start, a crash or a shutdown is out when it happens, in order.
 */
export function createLogger(level: LogLevel, output: LogOutput): ServiceLogger {
  if (output.isTTY) {
    return pino(options(level), { write: (line: string) => void output.write(readableLogLine(line)) });
  }
  if (output.fd !== 1) return pino(options(level), { write: (line: string) => void output.write(line) });
  const destination = pino.destination({ dest: 1, sync: true, minLength: LOG_BUFFER_BYTES });
  const flush = () => {
    try {
      destination.flushSync();
    } catch {
      // stdout is gone (a closed pipe): nothing left to tell anyone
    }
  };
  setInterval(flush, LOG_FLUSH_MS).unref();
  process.once('exit', flush);
  return pino(
    {
      ...options(level),
      hooks: {
        logMethod(args, method) {
          method.apply(this, args);
          if (args[1] !== EXCHANGE_LOG_MESSAGE) flush();
        },
      },
    },
    destination,
  );
}

function options(level: LogLevel): pino.LoggerOptions {
  return {
    level,
    name: 'hookline-relay',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
}
