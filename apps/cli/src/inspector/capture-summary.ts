import type { CaptureRecord } from '@hookline/capture';
import { fit, formatClock, formatDuration, formatSize } from '../format.js';

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
}

export function summarize(record: CaptureRecord): CaptureSummary {
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
  };
}

export const SUMMARY_HEADER = `${fit('ID', 6)} ${fit('TIME', 8)}  ${fit('METHOD', 7)} ${fit('PATH', 32)} ${fit('STATUS', 16)} ${fit('DURATION', 9)} SIZE`;

/** One table line for `hookline requests`. */
export function summaryLine(summary: CaptureSummary): string {
  const status = summary.error ? `${summary.status ?? '---'} ${summary.error.code}` : String(summary.status ?? '---');
  const mark =
    summary.origin === 'replay' ? ` (replay of ${summary.replayOf})` : summary.origin === 'queued' ? ' (queued)' : '';
  return `${fit(summary.id, 6)} ${formatClock(Date.parse(summary.time))}  ${fit(summary.method, 7)} ${fit(summary.path, 32)} ${fit(status, 16)} ${fit(formatDuration(summary.durationMs), 9)} ${formatSize(summary.responseBytes)}${mark}`;
}
