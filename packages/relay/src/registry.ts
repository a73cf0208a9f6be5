/** Who holds a tunnel name right now. */
export interface TunnelHolder {
  sessionId: string;
  /** Random id of the client process; the same client may take over its own stale session. */
  clientId: string;
  /** Token id that authenticated the session, or null on an open relay. */
  owner: string | null;
}

export type ClaimResult = { ok: true; replaced: TunnelHolder | null } | { ok: false; holder: TunnelHolder };

/**
 * The table of claimed names. Async so that the embedded (lowdb) and cluster
 * (Redis) registries can implement it as well as this in-memory one.
 */
export interface TunnelRegistry {
  /**
   * Claim `name` for `holder`. Succeeds when the name is free, held by the same
   * client (a reconnect whose old session the relay has not yet seen die), or held
   * by the same token (its owner restarted the client): then `replaced` names the
   * session to close.
   */
  claim(name: string, holder: TunnelHolder): Promise<ClaimResult>;
  /** Free `name` if `sessionId` still holds it. */
  release(name: string, sessionId: string): Promise<void>;
  holderOf(name: string): Promise<TunnelHolder | undefined>;
}

/** The same client, or the token that owns the name, may replace a live session. */
export function mayReplace(current: TunnelHolder, next: TunnelHolder): boolean {
  if (current.owner !== next.owner) return false;
  return current.clientId === next.clientId || next.owner !== null;
}

export function createMemoryRegistry(): TunnelRegistry {
  const holders = new Map<string, TunnelHolder>();
  return {
    async claim(name, holder) {
      const current = holders.get(name);
      if (current && !mayReplace(current, holder)) {
        return { ok: false, holder: current };
      }
      holders.set(name, holder);
      return { ok: true, replaced: current ?? null };
    },
    async release(name, sessionId) {
      if (holders.get(name)?.sessionId === sessionId) holders.delete(name);
    },
    async holderOf(name) {
      return holders.get(name);
    },
  };
}
