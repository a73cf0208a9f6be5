import { UserError } from './user-error.js';

/**
 * One call to a relay's owner API (`/_hookline/api/…`) with the owner's token. A
 * refusal or an unreachable relay becomes a UserError carrying the relay's code.
 */
export async function callRelayApi(
  relay: string,
  token: string,
  path: string,
  init: RequestInit = {},
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${relay.replace(/\/+$/, '')}/_hookline/api/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  } catch (error) {
    throw new UserError(`cannot reach the relay at ${relay}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    throw new UserError(
      `${body?.error?.message ?? `relay answered ${res.status}`} (${body?.error?.code ?? res.status})`,
    );
  }
  return body;
}
