import { CaptureError, type CaptureListing, type CaptureRecord } from '@hookline/capture';
import type { CaptureService, ReplayRequest } from './capture-service.js';

/** Most captures one batch replays unless `--max` says otherwise. */
export const DEFAULT_BATCH_MAX = 1000;

/** What a batch will send, oldest first, and what it must refuse. */
export interface BatchPlan {
  /** Capture ids to replay, oldest first. */
  ids: string[];
  /** Truncated captures: only their first bytes are stored, so they cannot be sent again as they were. */
  truncated: string[];
}

/** How a batch went. */
export interface BatchSummary {
  /** Replays that reached the target (any status). */
  sent: number;
  /** …of which answered 2xx. */
  ok: number;
  /** No answer (refused, timeout) or could not be sent (e.g. nothing to re-sign). */
  failed: number;
  /** Truncated captures, refused. */
  refused: number;
}

/** One replay of the batch, as it happened. */
export type BatchItem =
  | { id: string; kind: 'sent'; record: CaptureRecord }
  | { id: string; kind: 'failed'; code: string; message: string; record: CaptureRecord | null };

/**
 * Which captures a batch replays: the matching ones received since `sinceMs`
 * (when given), oldest first — the order they happened. Replays themselves are
 * left out unless `includeReplays` (the filter names an origin): a second batch
 * over the same filter would otherwise replay the first batch's replays too. More
 * than `max` is refused whole, so a batch never stops at an arbitrary point.
 */
export function planBatch(
  listings: readonly Pick<CaptureListing, 'id' | 'origin' | 'startedAt' | 'request'>[],
  options: { sinceMs?: number; includeReplays: boolean; max: number },
): BatchPlan {
  const chosen = listings
    .filter((listing) => options.includeReplays || listing.origin !== 'replay')
    .filter((listing) => options.sinceMs === undefined || listing.startedAt >= options.sinceMs)
    .sort((a, b) => a.startedAt - b.startedAt || Number(a.id) - Number(b.id));
  const ids = chosen.filter((listing) => !listing.request.body.truncated).map((listing) => listing.id);
  if (ids.length > options.max) {
    throw new CaptureError(
      'E_BATCH_TOO_LARGE',
      `${ids.length} captures match; a batch replays at most ${options.max} (narrow --filter or --since, or raise --max)`,
    );
  }
  return { ids, truncated: chosen.filter((listing) => listing.request.body.truncated).map((listing) => listing.id) };
}

/** Replay the plan's captures one after another, in order; `onItem` hears each as it ends. */
export async function runBatch(
  service: CaptureService,
  plan: BatchPlan,
  request: ReplayRequest,
  onItem: (item: BatchItem) => void = () => {},
): Promise<BatchSummary> {
  const summary: BatchSummary = { sent: 0, ok: 0, failed: 0, refused: plan.truncated.length };
  for (const id of plan.ids) {
    let item: BatchItem;
    try {
      const record = await service.replay(id, request);
      item = record.error
        ? { id, kind: 'failed', code: record.error.code, message: record.error.message, record }
        : { id, kind: 'sent', record };
    } catch (error) {
      // One capture that cannot be sent (evicted meanwhile, nothing to re-sign) does not stop the rest.
      if (!(error instanceof CaptureError)) throw error;
      item = { id, kind: 'failed', code: error.code, message: error.message, record: null };
    }
    if (item.kind === 'sent') {
      summary.sent += 1;
      const status = item.record.response?.status ?? 0;
      if (status >= 200 && status < 300) summary.ok += 1;
    } else summary.failed += 1;
    onItem(item);
  }
  return summary;
}

/** `sent 12: 10 2xx, 2 other; 1 failed; 3 truncated refused`. */
export function batchSummaryLine(summary: BatchSummary): string {
  const parts = [`sent ${summary.sent}: ${summary.ok} 2xx, ${summary.sent - summary.ok} other`];
  parts.push(`${summary.failed} failed`);
  if (summary.refused > 0) parts.push(`${summary.refused} truncated refused`);
  return parts.join('; ');
}
