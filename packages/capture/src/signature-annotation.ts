import { eventIdOf, type SignatureConfig, verifySignature } from '@hookline/signatures';
import { bodyBytes } from './body.js';
import type { CaptureDraft } from './types.js';

/**
 * A store `annotate` hook: the signature verdict (judged at the capture's own
 * receipt time, so it says what the app saw then, whenever it is read) and the
 * provider event id (for duplicate marks). Only the verdict is stored, never a
 * secret. A truncated body cannot be verified: its verdict says so.
 *
 * @example
 * const store = await CaptureStore.open({ file, annotate: signatureAnnotator({ secrets: { stripe: 'whsec_…' } }) });
 */
export function signatureAnnotator(config: SignatureConfig): (draft: CaptureDraft) => CaptureDraft {
  return (draft) => {
    const request = { headers: draft.request.headers, body: bodyBytes(draft.request.body) };
    const out: CaptureDraft = { ...draft };
    const event = eventIdOf(request, config.generic);
    if (event) out.event = event;
    const verdict = verifySignature(request, config, { now: draft.startedAt });
    if (verdict.status === 'unsigned') return out;
    if (draft.request.body.truncated && (verdict.status === 'invalid' || verdict.status === 'stale')) {
      out.signature = {
        ...verdict,
        status: 'invalid',
        reason: `only the first ${request.body.length} of ${draft.request.body.size} body bytes were kept; the signature cannot be checked`,
      };
      return out;
    }
    out.signature = verdict;
    return out;
  };
}
