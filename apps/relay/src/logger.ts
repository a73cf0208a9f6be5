import pino from 'pino';
import type { LogLevel } from './service-settings.js';

export type ServiceLogger = pino.Logger;

/**
 * JSON lines on stdout: level as a word and time as ISO 8601, so a log pipeline
 * (or a person with `jq`) reads them without pino's numeric conventions. Writes
 * are synchronous: the line about a crash or a shutdown is on stdout before exit.
 */
export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true }),
): ServiceLogger {
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
