import type { ErrorCode } from '@hookline/protocol';
import { tunnelNameProblem } from './names.js';
import type { ResolvedRelayOptions } from './options.js';
import { mayReplace, nameInUseMessage, type TunnelRegistry } from './registry.js';
import type { ReservationStore } from './store/reservations.js';

/** What a tunnel client without a valid token is told, whichever way it connects. */
export const CONNECT_UNAUTHORIZED_MESSAGE = 'missing or invalid token (Authorization: Bearer …)';

export interface AdmissionDeps {
  options: ResolvedRelayOptions;
  reservations: ReservationStore;
  registry: TunnelRegistry;
  /**
   * Whether the live holder of `name` still answers heartbeats; one held on this
   * node that does not answer a ping now is ended. True when it is held elsewhere.
   */
  holderAnswers(name: string): Promise<boolean>;
}

export interface AdmissionRequest {
  /** Lower-cased already. */
  name: string | undefined;
  clientId: string;
  /** The token's id, or null (open relay). */
  owner: string | null;
  takeover: boolean;
}

/**
 * Why a connecting client may not have the name it asks for, or null: checked
 * before the tunnel link exists (the WebSocket upgrade, or an in-process link),
 * so a bad or taken name never costs a session.
 */
export async function nameRefusal(
  deps: AdmissionDeps,
  { name, clientId, owner, takeover }: AdmissionRequest,
): Promise<{ code: ErrorCode; message: string } | null> {
  if (name === undefined) return null;
  const problem = tunnelNameProblem(name);
  if (problem) return { code: 'E_NAME_INVALID', message: problem };
  const reserved = deps.reservations.get(name);
  // Only a holder of a valid token gets here: telling it the name is someone else's leaks nothing.
  if (reserved && reserved.owner !== owner) {
    return { code: 'E_NAME_TAKEN', message: `tunnel name "${name}" belongs to another token` };
  }
  const holder = await deps.registry.holderOf(name);
  // "In use" means answering heartbeats: a holder that went silent does not keep the name.
  if (holder && !mayReplace(holder, { clientId, owner }, takeover) && (await deps.holderAnswers(name))) {
    return { code: 'E_NAME_IN_USE', message: nameInUseMessage(name, holder) };
  }
  return null;
}
