import type { CaptureDraft } from './types.js';

/** Defaults shared by the store, the recorder and replay. */
export const CAPTURE_DEFAULTS = {
  /** Captures kept; the oldest go first. */
  maxCount: 10_000,
  /** Stored bytes (bodies and heads) kept on disk; the oldest go first. */
  maxBytes: 1024 * 1024 * 1024,
  /** The same bound for a store kept in memory (another process owns the data dir). */
  maxMemoryBytes: 100 * 1024 * 1024,
  /** A body longer than this is truncated in the capture (never in the forward). */
  maxBodyBytes: 1024 * 1024,
  /** Writes are batched: one commit per this many ms at most (a crash loses at most this much). */
  flushDelayMs: 100,
} as const;

export interface CaptureStoreOptions {
  /** The database file (`<data dir>/captures.db`); `null` keeps captures in memory only. */
  file: string | null;
  /** @default 10 000 */
  maxCount?: number;
  /** @default 1 GiB (100 MiB in memory) */
  maxBytes?: number;
  /** @default 100 */
  flushDelayMs?: number;
  /** Never write; a corrupt file is reported but left in place. @default false */
  readOnly?: boolean;
  /** Receives warnings (a corrupt file moved aside, a failed write). @default ignored */
  onWarning?: (message: string) => void;
  /** Clock for the name of a moved-aside file. @default () => new Date() */
  now?: () => Date;
  /**
   * Runs on every draft before it is stored (signature verdict, event id). Must
   * be synchronous and cheap: `add()` runs on the forwarding path. @default none
   */
  annotate?: (draft: CaptureDraft) => CaptureDraft;
}

export interface ResolvedStoreOptions {
  file: string | null;
  maxCount: number;
  maxBytes: number;
  flushDelayMs: number;
  readOnly: boolean;
  onWarning: (message: string) => void;
  now: () => Date;
  annotate: ((draft: CaptureDraft) => CaptureDraft) | null;
}

/** Merge defaults once and reject nonsense at construction. */
export function resolveStoreOptions(options: CaptureStoreOptions): ResolvedStoreOptions {
  const resolved: ResolvedStoreOptions = {
    file: options.file,
    maxCount: options.maxCount ?? CAPTURE_DEFAULTS.maxCount,
    maxBytes: options.maxBytes ?? (options.file === null ? CAPTURE_DEFAULTS.maxMemoryBytes : CAPTURE_DEFAULTS.maxBytes),
    flushDelayMs: options.flushDelayMs ?? CAPTURE_DEFAULTS.flushDelayMs,
    readOnly: options.readOnly ?? false,
    onWarning: options.onWarning ?? (() => {}),
    now: options.now ?? (() => new Date()),
    annotate: options.annotate ?? null,
  };
  if (!Number.isInteger(resolved.maxCount) || resolved.maxCount < 1) {
    throw new TypeError(`maxCount must be a positive integer, got ${resolved.maxCount}`);
  }
  if (!(resolved.maxBytes > 0)) throw new TypeError(`maxBytes must be positive, got ${resolved.maxBytes}`);
  if (!(resolved.flushDelayMs >= 0)) throw new TypeError(`flushDelayMs must be >= 0, got ${resolved.flushDelayMs}`);
  return resolved;
}
