import type { CaptureListing, CaptureRecord, LateNote } from '@hookline/capture';
import { ERROR_STATUS, isErrorCode } from '@hookline/protocol';
import type { EventId, SignatureVerdict } from '@hookline/signatures';
import { formatClock, formatDuration, formatSize } from '../format.js';
import { fitTo } from '../text-width.js';

/** One capture as `hookline requests --json` prints it (no bodies). */
export interface CaptureSummary {
  id: string;
  time: string;
  origin: CaptureRecord['origin'];
  replayOf: string | null;
  tunnel: string;
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  truncated: boolean;
  error: CaptureRecord['error'];
  /** The signature verdict at receipt; null when the request is not signed. */
  signature: SignatureVerdict | null;
  /** The provider's event id, when the request carries one. */
  event: EventId | null;
  /** Id of the first capture of the same event: this one is a resend. */
  duplicateOf: string | null;
  /** A late queued delivery: re-signed, or why not (the `signature` above is the original verdict). */
  late: LateNote | null;
}

/** A capture's summary; its listing is enough (the web inspector's list has no more in memory). */
export function summarize(record: CaptureListing): CaptureSummary {
  return {
    id: record.id,
    time: new Date(record.startedAt).toISOString(),
    origin: record.origin,
    replayOf: record.replayOf,
    tunnel: record.tunnel,
    method: record.request.method,
    path: record.request.path,
    status: record.response?.status ?? null,
    durationMs: Math.round(record.timings.totalMs * 100) / 100,
    requestBytes: record.request.body.size,
    responseBytes: record.response?.body.size ?? 0,
    truncated: record.request.body.truncated || (record.response?.body.truncated ?? false),
    error: record.error,
    signature: record.signature ?? null,
    event: record.event ?? null,
    duplicateOf: record.duplicateOf ?? null,
    late: record.late ?? null,
  };
}

/** ✓ / ✗ / stale / ? (no secret), or '' for unsigned requests. */
export function signatureMark(signature: SignatureVerdict | null | undefined): string {
  switch (signature?.status) {
    case 'valid':
      return '✓';
    case 'invalid':
      return '✗';
    case 'stale':
      return 'stale';
    case 'no-secret':
      return '?';
    default:
      return '';
  }
}

export const SUMMARY_HEADER = `${fitTo('ID', 6)} ${fitTo('TIME', 8)}  ${fitTo('METHOD', 7)} ${fitTo('PATH', 32)} ${fitTo('STATUS', 16)} ${fitTo('DURATION', 9)} SIZE`;

/** One table line for `hookline requests`. */
export function summaryLine(summary: CaptureSummary): string {
  // With no response, the status is the one hookline answered the caller with for that error (502…).
  const code = summary.error?.code;
  const shown = summary.status ?? (isErrorCode(code) ? ERROR_STATUS[code] : '---');
  const status = summary.error ? `${shown} ${summary.error.code}` : String(shown);
  const origin =
    summary.origin === 'replay'
      ? ` (replay of ${summary.replayOf})`
      : summary.origin === 'queued' || summary.origin === 'handshake'
        ? ` (${summary.origin})`
        : '';
  const sig = summary.signature ? ` [${summary.signature.provider} ${signatureMark(summary.signature)}]` : '';
  const mark = `${origin}${sig}${summary.duplicateOf ? ` (duplicate of ${summary.duplicateOf})` : ''}`;
  return `${fitTo(summary.id, 6)} ${formatClock(Date.parse(summary.time))}  ${fitTo(summary.method, 7)} ${fitTo(summary.path, 32)} ${fitTo(status, 16)} ${fitTo(formatDuration(summary.durationMs), 9)} ${formatSize(summary.responseBytes)}${mark}`;
}
