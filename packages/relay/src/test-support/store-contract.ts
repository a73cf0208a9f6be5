import type { IncomingMessage } from 'node:http';
import { sampleRequestHead } from '@hookline/testing';
import { describe, expect, it } from 'vitest';
import { AuthGuard } from '../auth-guard.js';
import type { FailureStore } from '../failure-store.js';
import type { QueueEntry } from '../queue/queue-entry.js';
import type { QueueLimits } from '../queue/queue-limits.js';
import type { QueueStore } from '../queue/queue-store.js';
import type { TunnelRegistry } from '../registry.js';
import type { ReservationStore } from '../store/reservations.js';
import type { TokenVerifier } from '../store/token-store.js';

/** One set of stores a relay can run on, as the contract opens them. */
export interface StoreBackend {
  /** Open (or reopen: same storage) a tunnel's queue. */
  queue(limits?: Partial<QueueLimits>): Promise<QueueStore>;
  reservations(): Promise<ReservationStore>;
  registry(): TunnelRegistry;
  /** Failed-token-check budgets as one node sees them (a cluster's: a fresh client per call, one budget). */
  failures(): FailureStore;
  /** Create a token; returns it with a verifier that sees it, and a way to revoke it. */
  token(): Promise<{ token: string; verifier: () => Promise<TokenVerifier>; revoke(): Promise<void> }>;
}

/**
 * One behavioural suite for every set of stores a relay runs on: the embedded
 * ones (memory + files + SQLite, run in `@hookline/relay`) and a cluster's
 * (Redis, run in `@hookline/cluster`). Whatever a relay relies on must hold for
 * each. `makeBackend` gives fresh, empty storage on each call.
 */
export function describeStoreContract(label: string, makeBackend: () => StoreBackend): void {
  describe(`relay stores: ${label}`, () => {
    it('reserves a name for its token, refuses it to another, keeps settings, frees it for the owner only', async () => {
      const backend = makeBackend();
      const store = await backend.reservations();
      expect((await store.reserve('shop', 'tok-a', 'serial')).ok).toBe(true);
      expect(await store.reserve('shop', 'tok-b', null)).toEqual({ ok: false, owner: 'tok-a' });
      const updated = await store.reserve('shop', 'tok-a', 'parallel:4', { allowCidr: ['10.0.0.0/8'] });
      expect(updated.ok && updated.reservation).toMatchObject({ name: 'shop', owner: 'tok-a', queue: 'parallel:4' });
      expect(store.get('shop')?.access).toEqual({ allowCidr: ['10.0.0.0/8'] });
      expect(store.list('tok-a').map((r) => r.name)).toEqual(['shop']);
      expect(await store.release('shop', 'tok-b')).toBe(false);
      expect(await store.release('shop', 'tok-a')).toBe(true);
      expect(store.get('shop')).toBeUndefined();
    });

    it('expires names unused since a cut-off, except those it is told to keep', async () => {
      const store = await makeBackend().reservations();
      await store.reserve('old', 'tok-a', null);
      await store.reserve('kept', 'tok-a', null);
      await store.reserve('fresh', 'tok-a', null);
      const future = Date.now() + 1_000;
      const expired = await store.expire(future, (name) => name === 'kept');
      expect(expired.sort()).toEqual(['fresh', 'old']);
      expect(store.get('old')).toBeUndefined();
      expect(store.get('kept')?.owner).toBe('tok-a');
      expect(await store.expire(Date.now() - 60_000, () => false)).toEqual([]);
    });

    const head = (target: string) => sampleRequestHead(target, { headers: ['content-type', 'application/json'] });

    it('queues in arrival order, gives bodies back byte-exact, and removes an entry only on a 2xx', async () => {
      const queue = await makeBackend().queue();
      const bodies = [Buffer.from([0, 255, 1]), Buffer.from('second'), Buffer.alloc(0)];
      for (const [i, body] of bodies.entries()) await queue.enqueue(head(`/n${i}`), body);
      expect(queue.entries().map((e) => e.head.target)).toEqual(['/n0', '/n1', '/n2']);
      const [first] = queue.entries();
      if (!first) throw new Error('empty queue');
      expect((await queue.body(first)).equals(bodies[0] as Buffer)).toBe(true);
      await queue.settle(first, { status: 500, error: null });
      expect(queue.get(first.id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 500' });
      await queue.settle(first, { status: 204, error: null });
      expect(queue.get(first.id)).toBeUndefined();
      expect(queue.size).toBe(2);
    });

    it('keeps an entry as failed after its last try, retries it, drops it', async () => {
      const queue = await makeBackend().queue({ maxAttempts: 2 });
      const entry = await queue.enqueue(head('/doomed'), Buffer.from('x'));
      await queue.settle(entry, { status: null, error: 'E_LOCAL_REFUSED: refused' });
      await queue.settle(entry, { status: 503, error: null });
      expect(queue.get(entry.id)).toMatchObject({ state: 'failed', attempts: 2 });
      expect(await queue.retry(entry.id)).toBe(true);
      expect(queue.get(entry.id)).toMatchObject({ state: 'pending', attempts: 0 });
      expect(await queue.drop(entry.id)).toBe(true);
      expect(queue.size).toBe(0);
    });

    it('removes an entry whose live sender got the local answer, whatever its status (no second delivery)', async () => {
      const backend = makeBackend();
      const queue = await backend.queue();
      const answered = await queue.enqueue(head('/live'), Buffer.from('x'));
      const unanswered = await queue.enqueue(head('/timeout'), Buffer.from('y'));
      await queue.settle(answered, { status: 500, error: null, answeredSender: true });
      await queue.settle(unanswered, { status: 504, error: 'E_LOCAL_TIMEOUT: no answer' });
      expect(queue.get(answered.id)).toBeUndefined();
      expect(queue.get(unanswered.id)).toMatchObject({ state: 'pending', attempts: 1 });
      await queue.close();
      expect((await backend.queue()).entries().map((e) => e.head.target)).toEqual(['/timeout']);
    });

    it('keeps every reservation made at once across a reopen (writes strictly ordered)', async () => {
      const backend = makeBackend();
      const store = await backend.reservations();
      const names = Array.from({ length: 8 }, (_, i) => `name${i}`);
      await Promise.all(names.map((name) => store.reserve(name, 'tok-a', null)));
      const reopened = await backend.reservations();
      expect(
        reopened
          .list('tok-a')
          .map((r) => r.name)
          .sort(),
      ).toEqual(names);
    });

    it('refuses a webhook past the count cap with E_QUEUE_FULL', async () => {
      const queue = await makeBackend().queue({ maxEntries: 1 });
      await queue.enqueue(head('/a'), Buffer.from('a'));
      await expect(queue.enqueue(head('/b'), Buffer.from('b'))).rejects.toMatchObject({ code: 'E_QUEUE_FULL' });
    });

    it('keeps the queue and its attempts across a reopen (a relay restart)', async () => {
      const backend = makeBackend();
      const before = await backend.queue();
      const kept = await before.enqueue(head('/kept'), Buffer.from('kept'));
      await before.settle(kept, { status: 502, error: null });
      await before.close();
      const after = await backend.queue();
      expect(after.entries().map((e) => [e.head.target, e.attempts])).toEqual([['/kept', 1]]);
      expect((await after.body(after.entries()[0] as QueueEntry)).toString()).toBe('kept');
    });

    it('keeps reservations across a reopen (a relay restart)', async () => {
      const backend = makeBackend();
      await (await backend.reservations()).reserve('kept', 'tok-a', null);
      expect((await backend.reservations()).get('kept')?.owner).toBe('tok-a');
    });

    it('claims live names: the same client may replace its session, the same token only with takeover', async () => {
      const registry = makeBackend().registry();
      const first = { sessionId: 's1', clientId: 'client-1', owner: null };
      expect((await registry.claim('demo', first)).ok).toBe(true);
      expect(await registry.claim('demo', { sessionId: 's2', clientId: 'client-2', owner: null })).toMatchObject({
        ok: false,
      });
      const again = await registry.claim('demo', { sessionId: 's3', clientId: 'client-1', owner: null });
      expect(again).toMatchObject({ ok: true, replaced: { sessionId: 's1' } });
      await registry.release('demo', 's1'); // stale session: no effect
      expect((await registry.holderOf('demo'))?.sessionId).toBe('s3');
      await registry.release('demo', 's3');
      expect(await registry.holderOf('demo')).toBeUndefined();

      expect((await registry.claim('owned', { sessionId: 'a', clientId: 'c1', owner: 'tok' })).ok).toBe(true);
      // One client per name: a second client of the same token is refused, and sees who holds it.
      expect(await registry.claim('owned', { sessionId: 'b', clientId: 'c2', owner: 'tok' })).toMatchObject({
        ok: false,
        holder: { sessionId: 'a', clientId: 'c1' },
      });
      expect(await registry.claim('owned', { sessionId: 'b', clientId: 'c2', owner: 'tok' }, true)).toMatchObject({
        ok: true,
        replaced: { sessionId: 'a' },
      });
      expect((await registry.claim('owned', { sessionId: 'c', clientId: 'c3', owner: 'other' }, true)).ok).toBe(false);
    });

    it('keeps one failed-check budget for every guard on it (per address, global, known addresses)', async () => {
      const backend = makeBackend();
      const clock = { now: Date.now() };
      const guard = () =>
        new AuthGuard({
          perAddressPerMinute: 2,
          totalPerMinute: 4,
          trustProxy: true,
          store: backend.failures(),
          now: () => clock.now,
        });
      const [nodeA, nodeB] = [guard(), guard()];
      const from = (address: string) =>
        ({
          socket: { remoteAddress: '10.0.0.1' },
          headers: { 'x-forwarded-for': address },
        }) as unknown as IncomingMessage;
      await nodeA.record(from('203.0.113.5'), true);
      await nodeA.record(from('198.51.100.1'), false);
      await nodeB.record(from('198.51.100.1'), false);
      expect((await nodeA.check(from('198.51.100.1')))?.message).toMatch(/from your address; retry in 30 s$/);
      expect((await nodeB.check(from('198.51.100.1')))?.retryAfterSeconds).toBe(30);
      await nodeB.record(from('198.51.100.2'), false);
      await nodeA.record(from('198.51.100.3'), false);
      expect((await nodeB.check(from('192.0.2.9')))?.message).toMatch(/on this relay/);
      expect(await nodeB.check(from('203.0.113.5'))).toBeNull();
      clock.now += 30_000;
      expect(await nodeA.check(from('198.51.100.1'))).toBeNull();
    });

    it('verifies tokens by hash, and stops accepting a revoked one', async () => {
      const { token, verifier, revoke } = await makeBackend().token();
      const before = await verifier();
      expect(before.verify(token)).toMatch(/^[0-9a-f]{12}$/);
      expect(before.verify(`${token}x`)).toBeNull();
      expect(before.verify(undefined)).toBeNull();
      await revoke();
      expect((await verifier()).verify(token)).toBeNull();
    });
  });
}
