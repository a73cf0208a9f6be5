import type { ServerResponse } from 'node:http';
import { FrameType } from '@hookline/protocol';
import { answerOffline } from '../offline-response.js';
import type { RelayLogger } from '../options.js';
import type { QueueMode } from '../store/reservations.js';
import type { TunnelSession } from '../tunnel-session.js';
import { deliverEntry } from './deliver-entry.js';
import type { QueueEntry } from './queue-entry.js';
import type { QueueStore } from './queue-store.js';

export interface DispatcherDeps {
  queue: QueueStore;
  /** The live session holding the tunnel, if any. */
  session(): TunnelSession | undefined;
  mode(): QueueMode;
  window: number;
  logger: RelayLogger;
}

function concurrencyOf(mode: QueueMode): number {
  return mode === 'serial' ? 1 : Number(mode.slice('parallel:'.length));
}

/**
 * Drives one tunnel's queue: delivers due entries while the client is online, in
 * arrival order (`serial`: one at a time, nothing overtakes a waiting entry) or up
 * to N at once (`parallel:N`), and schedules the next retry.
 */
export class QueueDispatcher {
  readonly #deps: DispatcherDeps;
  /** Callers waiting on a fresh entry; attached only if it starts at once. */
  readonly #callers = new Map<string, { res: ServerResponse; body: Buffer }>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** What the client was last told about the queue (QUEUE_STATUS), to send only changes. */
  #reported: { session: string; status: string } | null = null;
  /** Deliveries that left the queue during the current session (the drain's progress). */
  #delivered = { session: '', count: 0 };

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /**
   * A webhook was just persisted: deliver it live (the caller gets the local
   * response) if it is next in line and the client is online; else answer 202.
   */
  offer(entry: QueueEntry, body: Buffer, caller: ServerResponse): void {
    this.#callers.set(entry.id, { res: caller, body });
    this.kick();
    const waiting = this.#callers.get(entry.id);
    if (!waiting) return;
    this.#callers.delete(entry.id);
    answerQueued(caller, entry.id);
  }

  /** Look for work: client came online, an attempt finished, a retry is due. */
  kick(): void {
    clearTimeout(this.#timer);
    const session = this.#deps.session();
    if (this.#closed || !session || session.closed) return;
    const { queue } = this.#deps;
    const now = Date.now();
    queue.expire(now);
    const serial = this.#deps.mode() === 'serial';
    let slots = concurrencyOf(this.#deps.mode());
    let nextDue = Number.POSITIVE_INFINITY;
    // One snapshot per kick: kicks run per enqueue and per delivery, so with a
    // backlog of n every extra pass over it makes draining O(n²) slower.
    const entries = queue.entries();
    for (const entry of entries) {
      if (entry.state === 'inflight') slots -= 1;
    }
    for (const entry of entries) {
      if (slots <= 0) break;
      if (entry.state === 'failed') continue;
      // Nothing overtakes an entry in flight, or one still being written to disk, in serial mode.
      if (entry.state === 'inflight' || entry.state === 'storing') {
        if (serial) break;
        continue;
      }
      if (entry.nextAttemptAt > now) {
        nextDue = Math.min(nextDue, entry.nextAttemptAt);
        if (serial) break;
        continue;
      }
      slots -= 1;
      this.#start(session, entry);
    }
    if (Number.isFinite(nextDue)) {
      this.#timer = setTimeout(() => this.kick(), Math.max(0, nextDue - now));
      this.#timer.unref();
    }
    this.#reportStatus(session, entries);
  }

  /** Tell the client how many webhooks wait or failed (its inspector shows it), when that changed. */
  #reportStatus(session: TunnelSession, entries: readonly QueueEntry[]): void {
    let failed = 0;
    for (const entry of entries) if (entry.state === 'failed') failed += 1;
    const delivered = this.#delivered.session === session.id ? this.#delivered.count : 0;
    const status = { pending: entries.length - failed, failed, delivered };
    const text = `${status.pending}/${status.failed}/${delivered}`;
    if (this.#reported?.session === session.id && this.#reported.status === text) return;
    this.#reported = { session: session.id, status: text };
    session.writer.write({ type: FrameType.QUEUE_STATUS, stream: 0, status });
  }

  /**
   * The client (re)connected: a backoff set while it was away (or while its local
   * server was down) is not waited out; everything pending is due now, in order.
   */
  online(): void {
    for (const entry of this.#deps.queue.entries()) {
      if (entry.state === 'pending' && Number.isFinite(entry.nextAttemptAt)) entry.nextAttemptAt = 0;
    }
    this.kick();
  }

  #countDelivered(session: string): void {
    if (this.#delivered.session !== session) this.#delivered = { session, count: 0 };
    this.#delivered.count += 1;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #start(session: TunnelSession, entry: QueueEntry): void {
    entry.state = 'inflight';
    const caller = this.#callers.get(entry.id);
    this.#callers.delete(entry.id);
    void this.#run(session, entry, caller?.res ?? null, caller?.body);
  }

  async #run(session: TunnelSession, entry: QueueEntry, caller: ServerResponse | null, fresh?: Buffer): Promise<void> {
    const { queue, logger } = this.#deps;
    try {
      const body = fresh ?? (await queue.body(entry));
      const outcome = await deliverEntry(session, entry, body, caller, this.#deps.window);
      if (outcome.kind === 'interrupted') {
        // Session gone: wait for the next one. Session still there but full: back off briefly.
        queue.release(entry, session.closed ? 0 : 200);
        if (caller && !caller.headersSent) answerQueued(caller, entry.id);
      } else {
        // When the sender itself got the local server's answer, the store does not deliver it again.
        await queue.settle(entry, outcome.result);
        if (!queue.get(entry.id)) this.#countDelivered(session.id);
        const answered = outcome.result.error === null && outcome.result.answeredSender === true;
        // A live caller whose attempt failed before any local answer: still safely queued.
        if (caller && !caller.headersSent) answerQueued(caller, entry.id);
        if (!answered && (outcome.result.error !== null || outcome.result.status >= 300)) {
          logger.warn(
            {
              tunnel: queue.name,
              delivery: entry.id,
              attempt: entry.attempts,
              error: entry.lastError,
              state: entry.state,
            },
            'queued delivery failed',
          );
        }
      }
    } catch (error) {
      // Not the local server's fault (e.g. a disk read failed): try again later, never in a hot loop.
      queue.release(entry, 1_000);
      logger.error({ tunnel: queue.name, delivery: entry.id, err: String(error) }, 'queued delivery broke');
      if (caller && !caller.headersSent) answerQueued(caller, entry.id);
    }
    this.kick();
  }
}

/** 202 Accepted: the webhook is on disk and will be delivered. */
function answerQueued(res: ServerResponse, id: string): void {
  if (res.headersSent || res.destroyed) return;
  // Still queued and delivered later; the caller gets the tunnel's declared offline response.
  if (answerOffline(res, { 'hookline-delivery': id })) return;
  const body = `${JSON.stringify({ queued: true, delivery: id })}\n`;
  res.writeHead(202, {
    'hookline-delivery': id,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
