import { bodyBytes } from './body.js';
import { CaptureError } from './errors.js';
import type { CaptureRecord } from './types.js';

/**
 * Refuse to build something byte-exact (a replay, a fixture, a curl command) from a
 * capture that kept only the first bytes of its request body: the one message all
 * three give, so a user meets the same code and wording wherever they hit it.
 */
export function refuseTruncated(record: CaptureRecord, what: string): void {
  const { body } = record.request;
  if (!body.truncated) return;
  throw new CaptureError(
    'E_CAPTURE_TRUNCATED',
    `capture ${record.id} kept only ${bodyBytes(body).length} of its ${body.size} body bytes; ${what}`,
  );
}
