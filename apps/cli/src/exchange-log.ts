import type { ExchangeEvent } from '@hookline/client';
import type { RelayAnswer } from '@hookline/protocol';
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

/** A handshake the relay answered itself: one line, marked so it is not mistaken for a forward. */
export function formatHandshakeLine(answer: RelayAnswer, now = new Date()): string {
  return `${formatClock(now.getTime())}  ${answer.method.padEnd(7)} ${answer.target}  ${answer.response.status}  handshake ${answer.handshake} (answered by the relay)`;
}

/** The same as one JSON line (for `--json`); the request body stays out. */
export function formatHandshakeJson(answer: RelayAnswer, now = new Date()): string {
  const { handshake, method, target, response } = answer;
  return JSON.stringify({
    type: 'handshake',
    time: now.toISOString(),
    handshake,
    method,
    path: target,
    status: response.status,
  });
}
