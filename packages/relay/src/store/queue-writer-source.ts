/**
 * The queue writer thread's program, as source text for `new Worker(…, { eval: true })`.
 *
 * Why a string and not a module file: the relay runs as TypeScript (tests, tsx),
 * as the CLI's bundle and as the service's bundle. A separate worker file would
 * need a build entry and a path that resolves in all three; source text runs the
 * same everywhere. It is kept small and plain on purpose: it only commits what the
 * main thread sends (`queue-writer.ts` holds the logic and the types).
 *
 * Protocol (main → worker): `{ op: 'insert' | 'state' | 'remove' | 'probe', seq,
 * durable, row? }` and `{ op: 'close' }`. Every message received while a commit
 * runs waits for the next one: that is the group commit. After each commit the
 * worker answers `{ done: [seq…], ok, code?, message?, ms }`.
 *
 * `durable` writes (an insert the sender gets a 202 for, the readiness probe) make
 * their batch commit with `synchronous=FULL` (fsync); a batch of only relaxed ones
 * (acks, attempt counts: losing one costs a redelivery) commits with `NORMAL`, made
 * durable by the next FULL commit's fsync of the WAL, which is written in order.
 */
export const QUEUE_WRITER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { crc32 } = require('node:zlib');
const Database = require(workerData.driver);

const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
let synchronous = 'FULL';
db.pragma('synchronous = FULL');
const sql = {
  insert: db.prepare(
    'INSERT INTO deliveries (seq, id, tunnel, received_at, head, body, body_crc) ' +
      'VALUES (@seq, @id, @tunnel, @receivedAt, @head, @body, @crc)',
  ),
  state: db.prepare(
    'UPDATE deliveries SET attempts = @attempts, next_attempt_at = @nextAttemptAt, ' +
      'last_status = @lastStatus, last_error = @lastError WHERE seq = @seq',
  ),
  remove: db.prepare('DELETE FROM deliveries WHERE seq = ?'),
  probe: db.prepare('INSERT OR REPLACE INTO probe (id, at) VALUES (1, ?)'),
};

let batch = [];
let durable = false;
let scheduled = false;
let closing = false;

function apply(message) {
  switch (message.op) {
    case 'insert': {
      const row = message.row;
      const body = Buffer.from(row.body.buffer, row.body.byteOffset, row.body.byteLength);
      sql.insert.run({ ...row, body, crc: crc32(body) });
      return;
    }
    case 'state':
      sql.state.run(message.row);
      return;
    case 'remove':
      sql.remove.run(message.row.seq);
      return;
    case 'probe':
      sql.probe.run(Date.now());
      return;
  }
}

function commit() {
  scheduled = false;
  if (batch.length === 0) return;
  const writes = batch;
  const mode = durable ? 'FULL' : 'NORMAL';
  batch = [];
  durable = false;
  const started = performance.now();
  let failure = null;
  try {
    if (mode !== synchronous) {
      db.pragma('synchronous = ' + mode);
      synchronous = mode;
    }
    db.transaction(() => {
      for (const write of writes) apply(write);
    })();
  } catch (error) {
    failure = { code: String(error.code || ''), message: String(error.message || error) };
  }
  parentPort.postMessage({
    done: writes.map((write) => write.seq),
    ok: failure === null,
    code: failure ? failure.code : null,
    message: failure ? failure.message : null,
    ms: performance.now() - started,
  });
}

parentPort.on('message', (message) => {
  if (message.op === 'close') {
    closing = true;
    commit();
    db.close();
    parentPort.postMessage({ closed: true });
    parentPort.close();
    return;
  }
  if (closing) return;
  batch.push(message);
  if (message.durable) durable = true;
  if (!scheduled) {
    scheduled = true;
    setImmediate(commit);
  }
});
`;
