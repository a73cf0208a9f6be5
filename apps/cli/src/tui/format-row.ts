import type { CaptureListing } from '@hookline/capture';
import { fitTo, formatClock, formatDuration, formatSize } from '../format.js';
import { signatureMark } from '../inspector/capture-summary.js';
import type { Color } from './segments.js';

/** Short labels for exchanges that got no response. */
const ERROR_LABELS: Record<string, string> = {
  E_LOCAL_REFUSED: 'refused',
  E_LOCAL_TIMEOUT: 'timeout',
  E_LOCAL_ERROR: 'error',
  E_TUNNEL_CLOSED: 'closed',
  E_CANCELLED: 'cancel',
};

/** Green 2xx, cyan 3xx, yellow 4xx, red 5xx and failures. */
export function statusColor(record: CaptureListing): Color {
  const status = record.response?.status;
  if (record.error || status === undefined) return 'red';
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  if (status >= 300) return 'cyan';
  return 'green';
}

export function statusLabel(record: CaptureListing): string {
  if (record.response && !record.error) return String(record.response.status);
  return ERROR_LABELS[record.error?.code ?? ''] ?? (record.response ? String(record.response.status) : 'error');
}

/** Widths of the fixed columns; the path takes what is left. */
const TIME = 8;
const METHOD = 7;
const STATUS = 7;
const DURATION = 8;
const SIZE = 9;
/** ✓, ✗, `stale` or `?` (signed, but no secret). */
const SIG = 5;
/** Cursor mark + separating spaces + origin mark + signature column. */
const FIXED = TIME + METHOD + STATUS + DURATION + SIZE + 2 + 6 + SIG + 1;

/** Replay ↻, queued Q, or ≡ for a provider resend of an event seen before. */
function mark(record: CaptureListing): string {
  if (record.origin === 'replay') return '↻';
  if (record.origin === 'queued') return 'Q';
  if (record.duplicateOf !== undefined) return '≡';
  return ' ';
}

/** Green ✓, red ✗, yellow stale, grey ? (no secret). */
export function signatureColor(record: CaptureListing): Color {
  switch (record.signature?.status) {
    case 'valid':
      return 'green';
    case 'invalid':
      return 'red';
    case 'stale':
      return 'yellow';
    default:
      return 'gray';
  }
}

/** The column header line of the list, for a terminal `width` wide. */
export function listHeader(width: number): string {
  const path = Math.max(8, width - FIXED);
  return ` ${fitTo('TIME', TIME)} ${fitTo('METHOD', METHOD)}  ${fitTo('PATH', path)} ${fitTo('SIG', SIG)} ${fitTo('STATUS', STATUS)} ${'DURATION'.padStart(DURATION)} ${'SIZE'.padStart(SIZE)}`;
}

/** One list row in parts, so the signature mark and the status can have their own colours. */
export interface RowParts {
  left: string;
  signature: string;
  status: string;
  right: string;
}

/** One list row: time, method, mark, path | status | duration, response size. */
export function formatRow(record: CaptureListing, width: number): RowParts {
  const path = Math.max(8, width - FIXED);
  const size = formatSize(record.response?.body.size ?? 0);
  return {
    left: `${formatClock(record.startedAt)} ${fitTo(record.request.method, METHOD)} ${mark(record)}${fitTo(record.request.path, path)} `,
    signature: `${fitTo(signatureMark(record.signature), SIG)} `,
    status: fitTo(statusLabel(record), STATUS),
    right: ` ${formatDuration(record.timings.totalMs).padStart(DURATION)} ${size.padStart(SIZE)}`,
  };
}
