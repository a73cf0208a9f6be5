import type { ExchangeEvent } from '@hookline/client';
import { formatClock, formatSize } from './format.js';

/** One human line per exchange: time, method, path, status, duration, size. */
export function formatExchangeLine(event: ExchangeEvent, now = new Date()): string {
  const status = event.error ? `${event.status ?? '---'} ${event.error.code}` : String(event.status ?? '---');
  const path = event.path.length > 80 ? `${event.path.slice(0, 77)}...` : event.path;
  return `${formatClock(now.getTime())}  ${event.method.padEnd(7)} ${path}  ${status}  ${Math.round(event.durationMs)} ms  ${formatSize(event.responseBytes)}`;
}

/** The same exchange as one JSON line (for `--json`). */
export function formatExchangeJson(event: ExchangeEvent, now = new Date()): string {
  return JSON.stringify({
    type: 'exchange',
    time: now.toISOString(),
    ...event,
    durationMs: Math.round(event.durationMs * 100) / 100,
  });
}
