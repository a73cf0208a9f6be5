import { parseFilter } from '@hookline/capture';
import { formatDuration } from '../format.js';
import { batchSummaryLine, DEFAULT_BATCH_MAX, planBatch, runBatch } from '../inspector/batch-replay.js';
import type { CaptureService, ReplayRequest } from '../inspector/capture-service.js';
import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';
import type { ReplayFlags } from './replay.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 90s | 10m | 1h | 7d | 500ms` (a bare number is seconds) → ms. */
export function parseSince(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (UNITS[match[2] ?? 's'] as number) : Number.NaN;
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new UserError(`--since must be a duration such as 90s, 10m, 1h or 7d, not "${text}"`);
  }
  return ms;
}

function parseMax(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BATCH_MAX;
  const max = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(max) || max < 1) {
    throw new UserError(`--max must be a whole number of at least 1, not "${text}"`);
  }
  return max;
}

/**
 * `hookline replay --filter <q> --since <d>`: every matching capture again,
 * oldest first, one at a time; a line per replay, then the summary. Exit 1 when
 * any could not be sent or was refused (truncated).
 */
export async function runBatchReplay(
  service: CaptureService,
  flags: ReplayFlags,
  io: CliIo,
  request: ReplayRequest,
  now = Date.now(),
): Promise<number> {
  const filter = flags.filter ?? '';
  const max = parseMax(flags.max);
  const sinceMs = flags.since === undefined ? undefined : now - parseSince(flags.since);
  const includeReplays = parseFilter(filter).some((term) => term.key === 'origin');
  const listings = await service.list({ filter, withoutBodies: true });
  const plan = planBatch(listings, { ...(sinceMs === undefined ? {} : { sinceMs }), includeReplays, max });
  if (plan.ids.length === 0 && plan.truncated.length === 0) {
    io.stderr.write(
      `hookline: no captures match${filter ? ` "${filter}"` : ''}${flags.since ? ` since ${flags.since}` : ''}\n`,
    );
    return 0;
  }
  for (const id of plan.truncated) {
    io.stderr.write(`hookline: ${id} refused: only the first bytes of its body are stored (E_CAPTURE_TRUNCATED)\n`);
  }
  const summary = await runBatch(service, plan, request, (item) => {
    if (item.kind === 'failed') {
      const as = item.record ? ` (as ${item.record.id})` : '';
      io.stderr.write(`hookline: replay of ${item.id}${as} failed: ${item.message} (${item.code})\n`);
      return;
    }
    const { record } = item;
    const status = `${record.response?.status} ${record.response?.statusText ?? ''}`.trim();
    io.stdout.write(`replayed ${item.id} as ${record.id}: ${status} in ${formatDuration(record.timings.totalMs)}\n`);
  });
  io.stdout.write(`${batchSummaryLine(summary)}\n`);
  return summary.failed > 0 || summary.refused > 0 ? 1 : 0;
}
