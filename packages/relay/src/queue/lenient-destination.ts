import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/**
 * A writable that forwards to a caller's response while the caller is there and
 * swallows the rest once it has gone: a queued delivery must run to its end (and
 * keep returning flow-control credit) even if the webhook sender hung up.
 */
export function lenientDestination(res: ServerResponse | null): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!res || res.destroyed || res.writableEnded) return callback();
      if (res.write(chunk)) return callback();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        callback();
      };
      res.once('drain', done);
      res.once('close', done);
    },
    final(callback) {
      if (res && !res.destroyed && !res.writableEnded) res.end();
      callback();
    },
  });
}
