/**
 * The capture writer thread's program, as source text for `new Worker(…, { eval: true })`
 * (a module file would need a path that resolves under tsx and in the CLI bundle
 * alike; source text runs the same everywhere). Kept small and plain: it only
 * commits what the main thread sends; `capture-writer.ts` has the logic and types.
 *
 * Protocol (main → worker): a `WireBatch` (capture-batch-wire.ts: values per row,
 * every body that is not a file in one transferred buffer) and `{ close: true }`.
 * The main thread writes body files before it sends their rows; this thread
 * removes the files of evicted rows once their delete is committed (a crash in
 * between leaves files `BodyFiles.sweep` removes at the next open). Messages that arrive while a commit runs form the next
 * transaction (group commit). After each commit: `{ done: [seq…], ok, message?, ms }`.
 * `synchronous=NORMAL` in WAL mode: a commit survives the process being killed
 * (the OS has it); only a power cut can lose the last ones, which a capture
 * history can afford. Checkpoints (and their fsyncs) run here, never on the
 * forwarding thread.
 */
export const CAPTURE_WRITER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { rmSync } = require('node:fs');
const { join } = require('node:path');
const Database = require(workerData.driver);

const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('journal_size_limit = 67108864');
// Big bodies pass through to the WAL; a page cache of 2 MB (not 16) keeps them from piling up in RSS.
db.pragma('cache_size = -2048');
const insertCapture = db.prepare(workerData.statements.insertCapture);
const insertDetails = db.prepare(workerData.statements.insertDetails);
const evict = workerData.statements.evict.map((sql) => db.prepare(sql));
const evictedFiles = db.prepare(workerData.statements.evictedFiles).raw();

/** Files of evicted rows, removed after the commit; names as bodyFileName() in body-files.ts. */
function evictedFileNames(upTo) {
  const names = [];
  for (const [id, bits] of evictedFiles.all(upTo)) {
    if (bits & 1) names.push(id + '.req');
    if (bits & 2) names.push(id + '.res');
  }
  return names;
}

let batch = [];
let scheduled = false;

function commit() {
  scheduled = false;
  if (batch.length === 0) return;
  const messages = batch;
  batch = [];
  const started = performance.now();
  let failure = null;
  let unlink = [];
  try {
    db.transaction(() => {
      for (const message of messages) {
        const bodies = Buffer.from(message.bodies);
        for (const [capture, details] of message.rows) {
          insertCapture.run(capture);
          // detailValues(row) (capture-schema.ts), then where the two bodies are in the batch buffer.
          const [id, listing, json, requestEncoding, responseEncoding, files, requestAt, requestLength, responseAt, responseLength] = details;
          const request = bodies.subarray(requestAt, requestAt + requestLength);
          const response = responseLength < 0 ? null : bodies.subarray(responseAt, responseAt + responseLength);
          insertDetails.run(id, listing, json, requestEncoding, responseEncoding, files, request, response);
        }
        if (message.evictUpTo !== null) {
          unlink = unlink.concat(evictedFileNames(message.evictUpTo));
          for (const statement of evict) statement.run(message.evictUpTo);
        }
      }
    })();
  } catch (error) {
    failure = String(error && error.message ? error.message : error);
    unlink = [];
  }
  for (const name of unlink) rmSync(join(workerData.bodiesDir, name), { force: true });
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
