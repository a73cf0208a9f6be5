import type { ExchangeEvent } from '@hookline/client';
import type { RelayAnswer } from '@hookline/protocol';

function time(date: Date): string {
  return date.toTimeString().slice(0, 8);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** One human line per exchange: time, method, path, status, duration, size. */
export function formatExchangeLine(event: ExchangeEvent, now = new Date()): string {
  const status = event.error ? `${event.status ?? '---'} ${event.error.code}` : String(event.status ?? '---');
  const path = event.path.length > 80 ? `${event.path.slice(0, 77)}...` : event.path;
  return `${time(now)}  ${event.method.padEnd(7)} ${path}  ${status}  ${Math.round(event.durationMs)} ms  ${size(event.responseBytes)}`;
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
  return `${time(now)}  ${answer.method.padEnd(7)} ${answer.target}  ${answer.response.status}  handshake ${answer.handshake} (answered by the relay)`;
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
