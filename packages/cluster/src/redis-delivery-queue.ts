import { randomUUID } from 'node:crypto';
import { HooklineError, type RequestHead } from '@hookline/protocol';
import {
  type AttemptResult,
  expireIfOld,
  newEntry,
  type QueueEntry,
  type QueueLimits,
  type QueueStore,
  recordAttempt,
  releaseAttempt,
  resetForRetry,
} from '@hookline/relay';
import type { Redis } from 'ioredis';

interface StoredState {
  attempts: number;
  nextAttemptAt: number | null;
  status: number | null;
  error: string | null;
}

const GROUP = 'delivery';

/** Stream ids (`<ms>-<n>`) compare by time, then sequence. */
function streamOrder(id: string): number {
  const [ms, n] = id.split('-');
  return Number(ms) * 10_000 + Number(n);
}

function fieldsOf(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = list[i + 1] as string;
  return out;
}

/**
 * One tunnel's offline queue in a Redis stream, shared by every node: any node
 * appends (`XADD`, durable as Redis' AOF), the node holding the tunnel delivers.
 * A consumer group per tunnel tracks who holds which entry: the holder claims new
 * entries (`XREADGROUP`) and a dead holder's pending ones (`XAUTOCLAIM`), and an
 * entry is `XACK`ed and deleted only after the client's 2xx. Attempts and failures
 * live in a hash beside the stream.
 */
export class RedisDeliveryQueue implements QueueStore {
  readonly name: string;
  readonly #redis: Redis;
  readonly #limits: QueueLimits;
  readonly #consumer: string;
  readonly #stream: string;
  readonly #stateKey: string;
  readonly #bytesKey: string;
  readonly #announce: () => Promise<void>;
  #index = new Map<string, QueueEntry>();
  #syncs: Promise<void> = Promise.resolve();
  /** Delivery id → stream id. */
  readonly #streamIds = new Map<string, string>();

  constructor(options: {
    redis: Redis;
    prefix: string;
    name: string;
    limits: QueueLimits;
    consumer: string;
    announce: () => Promise<void>;
  }) {
    this.name = options.name;
    this.#redis = options.redis;
    this.#limits = options.limits;
    this.#consumer = options.consumer;
    this.#stream = `${options.prefix}queue:${options.name}`;
    this.#stateKey = `${this.#stream}:state`;
    this.#bytesKey = `${this.#stream}:bytes`;
    this.#announce = options.announce;
  }

  static async open(options: ConstructorParameters<typeof RedisDeliveryQueue>[0]): Promise<RedisDeliveryQueue> {
    const queue = new RedisDeliveryQueue(options);
    await queue.#redis.xgroup('CREATE', queue.#stream, GROUP, '0', 'MKSTREAM').catch((error: Error) => {
      if (!error.message.includes('BUSYGROUP')) throw error;
    });
    await queue.sync();
    return queue;
  }

  entries(): QueueEntry[] {
    return [...this.#index.values()];
  }

  get size(): number {
    return this.#index.size;
  }

  get(id: string): QueueEntry | undefined {
    return this.#index.get(id);
  }

  /**
   * Rebuild the index from the stream and the state hash, keeping what is in
   * flight here. With `claim` (the node holding the tunnel), take every entry for
   * this node's consumer first: new ones, and a dead holder's pending ones.
   */
  sync(options: { claim?: boolean } = {}): Promise<void> {
    // One at a time: an older read finishing last would put back a stale index
    // (and lose an entry another node just added until the next notice).
    const run = this.#syncs.then(() => this.#sync(options));
    this.#syncs = run.catch(() => {});
    return run;
  }

  async #sync(options: { claim?: boolean }): Promise<void> {
    if (options.claim) {
      await this.#redis.xautoclaim(this.#stream, GROUP, this.#consumer, 0, '0-0', 'COUNT', 10_000);
      await this.#redis.xreadgroup('GROUP', GROUP, this.#consumer, 'COUNT', 10_000, 'STREAMS', this.#stream, '>');
    }
    const [records, states] = await Promise.all([
      this.#redis.xrange(this.#stream, '-', '+') as Promise<Array<[string, string[]]>>,
      this.#redis.hgetall(this.#stateKey),
    ]);
    const next = new Map<string, QueueEntry>();
    for (const [streamId, list] of records) {
      const fields = fieldsOf(list);
      const id = fields.id as string;
      const previous = this.#index.get(id);
      const stored = states[id] ? (JSON.parse(states[id]) as StoredState) : null;
      const entry =
        previous ??
        newEntry({
          id,
          seq: streamOrder(streamId),
          receivedAt: Number(fields.receivedAt),
          head: JSON.parse(fields.head as string) as RequestHead,
          bodySize: Number(fields.bodySize),
        });
      if (stored && entry.state !== 'inflight') {
        entry.attempts = stored.attempts;
        entry.lastStatus = stored.status;
        entry.lastError = stored.error;
        entry.nextAttemptAt = stored.nextAttemptAt ?? Number.POSITIVE_INFINITY;
        entry.state = stored.nextAttemptAt === null ? 'failed' : 'pending';
      }
      this.#streamIds.set(id, streamId);
      next.set(id, entry);
    }
    this.#index = next;
  }

  async enqueue(head: RequestHead, body: Buffer): Promise<QueueEntry> {
    this.expire(Date.now());
    const [length, bytes] = await Promise.all([this.#redis.xlen(this.#stream), this.#redis.get(this.#bytesKey)]);
    if (length >= this.#limits.maxEntries) {
      throw new HooklineError('E_QUEUE_FULL', `queue of "${this.name}" holds ${length} webhooks (the limit)`);
    }
    if (Number(bytes ?? 0) + body.length > this.#limits.maxBytes) {
      throw new HooklineError(
        'E_QUEUE_FULL',
        `queue of "${this.name}" is over its ${this.#limits.maxBytes}-byte limit`,
      );
    }
    const id = `dlv_${randomUUID().replaceAll('-', '')}`;
    const streamId = (await this.#redis.xadd(
      this.#stream,
      '*',
      'id',
      id,
      'receivedAt',
      String(head.receivedAt),
      'bodySize',
      String(body.length),
      'head',
      JSON.stringify(head),
      'body',
      body.toString('base64'),
    )) as string;
    await this.#redis.incrby(this.#bytesKey, body.length);
    // A sync may have indexed it already, between the XADD and here: keep that object.
    const entry =
      this.#index.get(id) ??
      newEntry({ id, seq: streamOrder(streamId), receivedAt: head.receivedAt, head, bodySize: body.length });
    this.#streamIds.set(id, streamId);
    // Keep the index in stream order even when two enqueues on this node finish out of order.
    const ordered: Array<[string, QueueEntry]> = [...this.#index, [id, entry]];
    this.#index = new Map(ordered.sort(([, a], [, b]) => a.seq - b.seq));
    await this.#announce();
    return entry;
  }

  async body(entry: QueueEntry): Promise<Buffer> {
    const streamId = this.#streamIds.get(entry.id);
    const [record] = streamId
      ? ((await this.#redis.xrange(this.#stream, streamId, streamId)) as Array<[string, string[]]>)
      : [];
    if (!record) throw new Error(`queued webhook ${entry.id} is no longer in the stream`);
    return Buffer.from(fieldsOf(record[1]).body ?? '', 'base64');
  }

  async settle(entry: QueueEntry, result: AttemptResult, now = Date.now()): Promise<void> {
    if (!this.#index.has(entry.id)) return;
    if (recordAttempt(entry, result, this.#limits, now) === 'acked') await this.#remove(entry);
    else await this.#saveState(entry);
  }

  release(entry: QueueEntry, delayMs = 0): void {
    releaseAttempt(entry, delayMs, Date.now());
  }

  async retry(id: string, now = Date.now()): Promise<boolean> {
    const entry = this.#index.get(id);
    if (!entry || !resetForRetry(entry, now)) return false;
    await this.#saveState(entry);
    return true;
  }

  async drop(id: string): Promise<boolean> {
    const entry = this.#index.get(id);
    if (!entry || entry.state === 'storing') return false;
    await this.#remove(entry);
    return true;
  }

  expire(now: number): void {
    for (const entry of this.#index.values()) {
      if (expireIfOld(entry, this.#limits, now)) this.#saveState(entry).catch(() => {});
    }
  }

  async close(): Promise<void> {}

  /** Acknowledge (the client answered 2xx) or drop: out of the group's pending list and the stream. */
  async #remove(entry: QueueEntry): Promise<void> {
    this.#index.delete(entry.id);
    const streamId = this.#streamIds.get(entry.id);
    this.#streamIds.delete(entry.id);
    if (!streamId) return;
    await this.#redis
      .multi()
      .xack(this.#stream, GROUP, streamId)
      .xdel(this.#stream, streamId)
      .hdel(this.#stateKey, entry.id)
      .decrby(this.#bytesKey, entry.bodySize)
      .exec();
  }

  async #saveState(entry: QueueEntry): Promise<void> {
    const state: StoredState = {
      attempts: entry.attempts,
      nextAttemptAt: Number.isFinite(entry.nextAttemptAt) ? entry.nextAttemptAt : null,
      status: entry.lastStatus,
      error: entry.lastError,
    };
    await this.#redis.hset(this.#stateKey, entry.id, JSON.stringify(state));
  }
}
