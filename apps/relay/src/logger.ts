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

/**
 * JSON lines: level as a word and time as ISO 8601, so a log pipeline (or a person
 * with `jq`) reads them without pino's numeric conventions. On a terminal the same
 * lines are printed readable instead. Writes are synchronous (fd 1 directly when the
 * output is the process's stdout): the line about a crash or a shutdown is out before exit.
 */
export function createLogger(level: LogLevel, output: LogOutput): ServiceLogger {
  const destination: pino.DestinationStream = output.isTTY
    ? { write: (line: string) => void output.write(readableLogLine(line)) }
    : output.fd === 1
      ? pino.destination({ dest: 1, sync: true })
      : { write: (line: string) => void output.write(line) };
  return pino(
    {
      level,
      name: 'hookline-relay',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
