import type { ExchangeEvent } from '@hookline/client';
import type { SignatureVerdict } from '@hookline/signatures';

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
  // A route's target follows the path: which local server answered is the point of routes.
  const routed = event.route && URL.canParse(event.target) ? ` -> ${new URL(event.target).host}` : '';
  const line = `${time(now)}  ${event.method.padEnd(7)} ${path}${routed}  ${status}  ${Math.round(event.durationMs)} ms  ${size(event.responseBytes)}`;
  return event.late ? `${line}  (${event.late.message})` : line;
}

/**
 * The same exchange as one JSON line (for `--json`), with the request's signature
 * verdict (null: unsigned, or no capture to judge it from) and, for a late queued
 * delivery, `late` with its message ("delivered 600 s late; …").
 */
export function formatExchangeJson(
  event: ExchangeEvent,
  signature: SignatureVerdict | null = null,
  now = new Date(),
): string {
  return JSON.stringify({
    type: 'exchange',
    time: now.toISOString(),
    ...event,
    durationMs: Math.round(event.durationMs * 100) / 100,
    signature,
  });
}
