/**
 * The capture writer thread's program, as source text for `new Worker(…, { eval: true })`
 * (a module file would need a path that resolves under tsx and in the CLI bundle
 * alike; source text runs the same everywhere). Kept small and plain: it only
 * commits what the main thread sends; `capture-writer.ts` has the logic and types.
 *
 * Protocol (main → worker): a `WireBatch` (capture-batch-wire.ts: values per row,
 * every body in one transferred buffer) and `{ close: true }`. Messages that
 * arrive while a commit runs form the next transaction (group commit). Its big
 * bodies are written as files first, one after another, then the rows go in;
 * if either fails, that group's new files are removed again. The files of
 * evicted rows are removed once their delete is committed. A crash between a
 * file and its row leaves files `BodyFiles.sweep` removes at the next open.
 * After each commit: `{ done: [seq…], ok, message?, ms, buffers }`, the batch
 * buffers transferred back for reuse.
 * `synchronous=NORMAL` in WAL mode: a commit survives the process being killed
 * (the OS has it); only a power cut can lose the last ones, which a capture
 * history can afford. Checkpoints (and their fsyncs) run here, never on the
 * forwarding thread.
 */
export const CAPTURE_WRITER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { mkdirSync, rmSync, writeFileSync } = require('node:fs');
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

const EMPTY = Buffer.alloc(0);
let madeDir = false;

/** A body kept as a file: written now (before its row), its column left an empty BLOB. */
function writeBody(name, bytes, written) {
  if (!madeDir) {
    mkdirSync(workerData.bodiesDir, { recursive: true, mode: 0o700 });
    madeDir = true;
  }
  const file = join(workerData.bodiesDir, name);
  written.push(name);
  writeFileSync(file, bytes, { mode: 0o600 });
  return EMPTY;
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
  const written = [];
  try {
    // detailValues(row) (capture-schema.ts), then body_files and where the two bodies are in the batch buffer.
    const rows = [];
    for (const message of messages) {
      const bodies = Buffer.from(message.bodies);
      for (const [capture, details] of message.rows) {
        const [id, listing, json, requestEncoding, responseEncoding, files, requestAt, requestLength, responseAt, responseLength] = details;
        let request = bodies.subarray(requestAt, requestAt + requestLength);
        let response = responseLength < 0 ? null : bodies.subarray(responseAt, responseAt + responseLength);
        // Bits and names as bodyFileBits() and bodyFileName() in body-files.ts.
        if (files & 1) request = writeBody(id + '.req', request, written);
        if (files & 2 && response) response = writeBody(id + '.res', response, written);
        rows.push([capture, [id, listing, json, requestEncoding, responseEncoding, files, request, response]]);
      }
    }
    db.transaction(() => {
      let next = 0;
      for (const message of messages) {
        for (let i = 0; i < message.rows.length; i += 1) {
          const [capture, details] = rows[next++];
          insertCapture.run(capture);
          insertDetails.run(details);
        }
        if (message.evictUpTo !== null) {
          if (message.evictFiles) unlink = unlink.concat(evictedFileNames(message.evictUpTo));
          for (const statement of evict) statement.run(message.evictUpTo);
        }
      }
    })();
  } catch (error) {
    failure = String(error && error.message ? error.message : error);
    unlink = written;
    madeDir = false; // the folder may be what failed: made again next time
  }
  for (const name of unlink) rmSync(join(workerData.bodiesDir, name), { force: true });
  // The batch buffers go back to be filled again: memory that is already there, and
  // none left here for this thread's garbage collector to find some day.
  const buffers = messages.map((message) => message.bodies);
  parentPort.postMessage(
    { done: messages.map((message) => message.seq), ok: failure === null, message: failure, ms: performance.now() - started, buffers },
    buffers,
  );
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
