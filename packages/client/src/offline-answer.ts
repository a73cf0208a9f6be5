import { type ErrorCode, FrameType, type FrameWriter, type RequestHead } from '@hookline/protocol';
import type { ExchangeObserver } from './events.js';

/** What a caller gets when the local server cannot be reached (and, declared to the relay, while offline). */
export interface OfflineResponse {
  /** 200-599. */
  status: number;
  /** Flat name/value list; framing headers are refused (the relay frames every answer). */
  headers: string[];
  /** At most 64 KiB. */
  body: Buffer;
}

/** Marks the answer so its caller and user can tell it is not the app's. */
export const OFFLINE_RESPONSE_HEADER = 'hookline-offline-response';

/** Failures that mean "nobody answered": the offline response stands in for those only, never for a slow app (504). */
const UNREACHABLE: ReadonlySet<ErrorCode> = new Set(['E_LOCAL_REFUSED', 'E_LOCAL_ERROR']);

/**
 * Whether the configured response should answer this failed exchange. Not for a
 * queued delivery: its status is the relay's acknowledgement, and a stand-in 2xx
 * would drop the webhook from the queue (the relay answers its caller for it).
 */
export function offlineAnswerApplies(
  response: OfflineResponse | undefined,
  head: RequestHead,
  code: ErrorCode,
): response is OfflineResponse {
  return response !== undefined && UNREACHABLE.has(code) && !head.delivery && !head.upgrade;
}

/** Write the stand-in answer as a whole response on the stream. Returns its head's headers. */
export function writeOfflineAnswer(
  writer: FrameWriter,
  stream: number,
  id: string,
  response: OfflineResponse,
  observer: ExchangeObserver | undefined,
): string[] {
  const headers = [...response.headers, OFFLINE_RESPONSE_HEADER, '1', 'content-length', String(response.body.length)];
  writer.write({ type: FrameType.RESPONSE_HEAD, stream, head: { status: response.status, headers } });
  if (response.body.length > 0) {
    writer.write({ type: FrameType.RESPONSE_BODY, stream, chunk: response.body });
    observer?.responseBody?.(id, response.body);
  }
  writer.write({ type: FrameType.RESPONSE_END, stream });
  return headers;
}
