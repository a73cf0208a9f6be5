import { bodyBytes, type CapturedBody, type CaptureRecord } from '@hookline/capture';
import { getRawHeader } from '@hookline/protocol';
import { formatDuration, formatSize } from '../format.js';
import { signatureMark } from '../inspector/capture-summary.js';
import { formatBody } from './format-body.js';
import { callerStatus, signatureColor, statusColor } from './format-row.js';
import { type Line, wrapLine } from './segments.js';

function section(title: string): Line {
  return [{ text: `── ${title} `, color: 'blue', bold: true }];
}

function headerLines(headers: readonly string[]): Line[] {
  const lines: Line[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    lines.push([{ text: `${headers[i]}: `, color: 'cyan' }, { text: headers[i + 1] as string }]);
  }
  return lines.length > 0 ? lines : [[{ text: '(none)', dim: true }]];
}

function bodyLines(body: CapturedBody, headers: readonly string[]): Line[] {
  return formatBody({
    bytes: bodyBytes(body),
    size: body.size,
    truncated: body.truncated,
    contentType: getRawHeader(headers, 'content-type') ?? '',
    contentEncoding: getRawHeader(headers, 'content-encoding') ?? '',
  });
}

/**
 * The status line: the local server's status, or with no response the one
 * hookline answered the caller with (a replay has no caller: just "no response").
 */
function statusText(record: CaptureRecord): string {
  const { response } = record;
  if (response) return `${response.status} ${response.statusText}`.trim();
  const status = callerStatus(record);
  return status === null || record.origin === 'replay' ? 'no response' : `${status} from hookline (no response)`;
}

function summary(record: CaptureRecord): Line[] {
  const { request, timings } = record;
  const status = statusText(record);
  const origin =
    record.origin === 'replay'
      ? `replay of #${record.replayOf}`
      : record.origin === 'queued'
        ? 'queued delivery'
        : record.origin === 'handshake'
          ? 'handshake answered by the relay (not forwarded)'
          : 'live';
  const started = new Date(record.startedAt);
  const clock = `${started.toTimeString().slice(0, 8)}.${String(started.getMilliseconds()).padStart(3, '0')}`;
  const lines: Line[] = [
    [
      { text: `#${record.id} `, dim: true },
      { text: `${request.method} ${request.path}`, bold: true },
    ],
    [
      { text: '→ ' },
      { text: status, color: statusColor(record), bold: true },
      {
        text: `  ${origin}${record.tunnel ? ` via ${record.tunnel}` : ''} → ${record.target}${record.route ? ` (route ${record.route.match})` : ''}`,
        dim: true,
      },
    ],
    [
      { text: 'timing  ', color: 'cyan' },
      {
        text: `started ${clock} · wait ${timings.waitMs === null ? '—' : formatDuration(timings.waitMs)} · total ${formatDuration(timings.totalMs)}`,
      },
    ],
  ];
  if (record.error) lines.push([{ text: `error   ${record.error.code}: ${record.error.message}`, color: 'red' }]);
  return [...lines, ...signatureLines(record)];
}

/** `✓ valid`, `✗ invalid`, `stale`, `? no-secret`. */
function verdictText(sig: NonNullable<CaptureRecord['signature']>): string {
  const mark = signatureMark(sig);
  return mark === sig.status ? mark : `${mark} ${sig.status}`;
}

/** The verdict and why, the event id, and the first delivery when this is a resend. */
function signatureLines(record: CaptureRecord): Line[] {
  const lines: Line[] = [];
  const sig = record.signature;
  if (sig) {
    const signedAt = sig.timestamp === null ? '' : ` · signed ${new Date(sig.timestamp * 1000).toISOString()}`;
    lines.push([
      { text: 'sig     ', color: 'cyan' },
      // The mark is the word itself for `stale`: say it once.
      { text: `${sig.provider} ${verdictText(sig)}`, color: signatureColor(record), bold: true },
      { text: `${sig.reason ? `: ${sig.reason}` : ''}${signedAt}`, dim: sig.status === 'valid' },
    ]);
  }
  if (record.late) {
    // The verdict above is the original one; this says how it went out.
    lines.push([
      { text: 'late    ', color: 'cyan' },
      { text: record.late.message, color: record.late.resigned ? 'green' : 'yellow', bold: !record.late.resigned },
    ]);
  }
  if (record.event) {
    const first = record.duplicateOf === undefined ? '' : ` — duplicate: first delivered as #${record.duplicateOf}`;
    lines.push([
      { text: 'event   ', color: 'cyan' },
      { text: `${record.event.provider} ${record.event.id}` },
      { text: first, color: 'yellow', bold: true },
    ]);
  }
  return lines;
}

/** Everything the detail view shows for one capture, wrapped to `width`. */
export function formatDetail(record: CaptureRecord, width: number): Line[] {
  const { request, response } = record;
  const lines: Line[] = [
    ...summary(record),
    [],
    section('Request headers'),
    ...headerLines(request.headers),
    [],
    section(`Request body (${formatSize(request.body.size)})`),
    ...bodyLines(request.body, request.headers),
  ];
  if (response) {
    lines.push(
      [],
      section('Response headers'),
      ...headerLines(response.headers),
      [],
      section(`Response body (${formatSize(response.body.size)})`),
      ...bodyLines(response.body, response.headers),
    );
  }
  return lines.flatMap((line) => wrapLine(line, width));
}
