import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createMemoryFailureStore } from './failure-store.js';
import { DEFAULT_QUEUE_LIMITS } from './queue/queue-limits.js';
import { SqliteQueue } from './queue/sqlite-queue.js';
import { createMemoryRegistry } from './registry.js';
import { QueueDatabase } from './store/queue-database.js';
import { createFileReservations } from './store/reservations.js';
import { createToken, createTokenVerifier, revokeToken } from './store/token-store.js';
import { describeStoreContract, type StoreBackend } from './test-support/store-contract.js';

// The embedded stores under the shared contract; `@hookline/cluster` runs it on Redis.
const silent = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
const databases: QueueDatabase[] = [];

afterAll(async () => {
  for (const database of databases) await database.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const embedded = (): StoreBackend => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-contract-'));
  dirs.push(dir);
  let database: QueueDatabase | null = null;
  // One process: every guard of the relay shares this one store.
  const failures = createMemoryFailureStore();
  return {
    async queue(limits = {}) {
      // A reopen is a restart: the previous connection goes first, as when a relay stops.
      await database?.close();
      database = QueueDatabase.open(dir, silent);
      databases.push(database);
      return new SqliteQueue('shop', database, { ...DEFAULT_QUEUE_LIMITS, ...limits }, silent);
    },
    async reservations() {
      const store = createFileReservations(dir);
      await store.load();
      return store;
    },
    registry: () => createMemoryRegistry(),
    failures: () => failures,
    async token() {
      const { token, record } = await createToken(dir, 'contract');
      return {
        token,
        verifier: async () => createTokenVerifier({ dataDir: dir }),
        revoke: async () => void (await revokeToken(dir, record.id)),
      };
    },
  };
};

describeStoreContract('embedded (SQLite + files)', embedded);
