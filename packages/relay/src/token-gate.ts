import type { IncomingMessage } from 'node:http';
import type { AuthGuard, AuthRefusal } from './auth-guard.js';
import type { TokenVerifier } from './store/token-store.js';
import { bearerToken } from './token-auth.js';

export type TokenGateResult =
  | { ok: true; owner: string }
  | { ok: false; refusal: AuthRefusal }
  | { ok: false; refusal: null };

/** The one answer for "no such token" and "this token does not own that name": no oracle. */
export const UNAUTHORIZED_MESSAGE = 'missing or invalid token, or the name is not one of its names';

/**
 * Check the bearer token of `req` through the abuse guard. `accept(owner)` is a
 * further condition (say, owning the name in the path); failing it counts and
 * answers exactly like a bad token, so the answer never tells a guesser that a
 * token exists.
 */
export async function gateToken(
  guard: AuthGuard,
  verifier: TokenVerifier,
  req: IncomingMessage,
  accept: (owner: string) => boolean = () => true,
): Promise<TokenGateResult> {
  const refusal = await guard.check(req);
  if (refusal) return { ok: false, refusal };
  const header = req.headers.authorization;
  const owner = verifier.verify(bearerToken(Array.isArray(header) ? header[0] : header));
  const ok = owner !== null && accept(owner);
  await guard.record(req, ok);
  return ok ? { ok: true, owner } : { ok: false, refusal: null };
}
