import type { ExchangeEvent } from '@hookline/client';
import type { RelayAnswer } from '@hookline/protocol';
import type { SignatureVerdict } from '@hookline/signatures';
import { formatClock, formatSize } from './format.js';

/** One human line per exchange: time, method, path, status, duration, size. */
export function formatExchangeLine(event: ExchangeEvent, now = new Date()): string {
  const status = event.error ? `${event.status ?? '---'} ${event.error.code}` : String(event.status ?? '---');
  const path = event.path.length > 80 ? `${event.path.slice(0, 77)}...` : event.path;
  // A route's target follows the path: which local server answered is the point of routes.
  const routed = event.route && URL.canParse(event.target) ? ` -> ${new URL(event.target).host}` : '';
  const line = `${formatClock(now.getTime())}  ${event.method.padEnd(7)} ${path}${routed}  ${status}  ${Math.round(event.durationMs)} ms  ${formatSize(event.responseBytes)}`;
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
