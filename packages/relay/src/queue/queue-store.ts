import type { RequestHead } from '@hookline/protocol';
import type { AttemptResult, QueueEntry } from './queue-entry.js';

/**
 * What the dispatcher, the ingress and the queue API need from one tunnel's
 * durable queue. Two implementations: rows of the data dir's SQLite database
 * (`SqliteQueue`, one relay), and a Redis stream with a consumer group (a cluster).
 */
export interface QueueStore {
  readonly name: string;
  /** Entries in arrival order (the in-memory index). */
  entries(): QueueEntry[];
  readonly size: number;
  get(id: string): QueueEntry | undefined;
  /** Persist a webhook; resolves once it is durable. Throws E_QUEUE_FULL at a cap. */
  enqueue(head: RequestHead, body: Buffer): Promise<QueueEntry>;
  body(entry: QueueEntry): Promise<Buffer>;
  settle(entry: QueueEntry, result: AttemptResult, now?: number): Promise<void>;
  release(entry: QueueEntry, delayMs?: number): void;
  retry(id: string, now?: number): Promise<boolean>;
  drop(id: string): Promise<boolean>;
  expire(now: number): void;
  /**
   * Bring the index up to date with what other nodes stored (no-op for a file);
   * `claim`: this node holds the tunnel and takes the entries over.
   */
  sync(options?: { claim?: boolean }): Promise<void>;
  close(): Promise<void>;
}
