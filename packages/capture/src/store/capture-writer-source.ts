/**
 * The capture writer thread's program, as source text for `new Worker(…, { eval: true })`
 * (a module file would need a path that resolves under tsx and in the CLI bundle
 * alike; source text runs the same everywhere). Kept small and plain: it only
 * commits what the main thread sends; `capture-writer.ts` has the logic and types.
 *
 * Protocol (main → worker): `{ seq, rows: CaptureRow[], evictUpTo: number | null }`
 * and `{ close: true }`. Messages that arrive while a commit runs form the next
 * transaction (group commit). After each commit: `{ done: [seq…], ok, message?, ms }`.
 * `synchronous=NORMAL` in WAL mode: a commit survives the process being killed
 * (the OS has it); only a power cut can lose the last ones, which a capture
 * history can afford. Checkpoints (and their fsyncs) run here, never on the
 * forwarding thread.
 */
export const CAPTURE_WRITER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);

const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('journal_size_limit = 67108864');
const insert = workerData.statements.insert.map((sql) => db.prepare(sql));
const evict = workerData.statements.evict.map((sql) => db.prepare(sql));
const asBuffer = (bytes) => (bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null);

let batch = [];
let scheduled = false;

function commit() {
  scheduled = false;
  if (batch.length === 0) return;
  const messages = batch;
  batch = [];
  const started = performance.now();
  let failure = null;
  try {
    db.transaction(() => {
      for (const message of messages) {
        for (const row of message.rows) {
          // A structured clone turns Buffers into Uint8Arrays; SQLite binds Buffers.
          row.requestBody = asBuffer(row.requestBody);
          row.responseBody = asBuffer(row.responseBody);
          for (const statement of insert) statement.run(row);
        }
        if (message.evictUpTo !== null) for (const statement of evict) statement.run(message.evictUpTo);
      }
    })();
  } catch (error) {
    failure = String(error && error.message ? error.message : error);
  }
  parentPort.postMessage({
    done: messages.map((message) => message.seq),
    ok: failure === null,
    message: failure,
    ms: performance.now() - started,
  });
}

parentPort.on('message', (message) => {
  if (message.close) {
    commit();
    db.close();
    parentPort.postMessage({ closed: true });
    parentPort.close();
    return;
  }
  batch.push(message);
  if (!scheduled) {
    scheduled = true;
    setImmediate(commit);
  }
});
`;
