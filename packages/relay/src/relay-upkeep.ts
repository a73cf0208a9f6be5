import type { ResolvedRelayOptions } from './options.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import type { SessionTable } from './session-table.js';
import type { ReservationStore } from './store/reservations.js';

export interface RelayUpkeep {
  /** Free the names unused for longer than `nameTtlMs` (also run at start). */
  sweepNames(): Promise<void>;
  stop(): void;
}

/**
 * What the relay does on a clock: ping every session each heartbeat interval
 * (one that missed its pong is ended), and the operator's expiry of unused
 * names, checked every quarter TTL (at most hourly).
 */
export function startUpkeep(
  options: ResolvedRelayOptions,
  sessions: SessionTable,
  reservations: ReservationStore,
  queues: QueueRegistry,
): RelayUpkeep {
  const { nameTtlMs } = options;
  const sweepNames = async (): Promise<void> => {
    if (!nameTtlMs) return;
    const keep = (name: string) => sessions.get(name) !== undefined || queues.hasBacklog(name);
    const expired = await reservations.expire(Date.now() - nameTtlMs, keep).catch(() => []);
    if (expired.length > 0) options.logger.info({ names: expired }, 'unused name reservations expired');
  };
  const nameSweep = nameTtlMs
    ? setInterval(() => void sweepNames(), Math.min(nameTtlMs / 4, 60 * 60 * 1000))
    : undefined;
  nameSweep?.unref();

  const heartbeat = setInterval(() => {
    for (const session of sessions.values()) {
      if (!session.alive) session.terminate();
      else session.ping();
    }
  }, options.heartbeatIntervalMs);
  heartbeat.unref();

  return {
    sweepNames,
    stop() {
      clearInterval(heartbeat);
      clearInterval(nameSweep);
    },
  };
}
