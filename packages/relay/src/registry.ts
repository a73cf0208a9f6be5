/** Who holds a tunnel name right now. */
export interface TunnelHolder {
  sessionId: string;
  /** Random id of the client process; the same client may take over its own stale session. */
  clientId: string;
  /** Token id that authenticated the session, or null on an open relay. */
  owner: string | null;
  /** Where the client connects from (caller address with `trustProxy`), for "in use" answers. */
  remoteAddress?: string;
  /** When the session started (epoch ms), for "in use" answers. */
  since?: number;
}

export type ClaimResult =
  /** `epoch`: a cluster's fencing number for this claim (each claim of a name gets a higher one). */
  { ok: true; replaced: TunnelHolder | null; epoch?: number } | { ok: false; holder: TunnelHolder };

/**
 * The table of claimed names. Async so that a cluster's shared registry
 * (`@hookline/cluster`: Redis) implements it as well as this in-memory one.
 */
export interface TunnelRegistry {
  /**
   * Claim `name` for `holder` under the rule of `mayReplace`; when a live
   * session is replaced, `replaced` names it (to be closed).
   */
  claim(name: string, holder: TunnelHolder, takeover?: boolean): Promise<ClaimResult>;
  /** Free `name` if `sessionId` still holds it. */
  release(name: string, sessionId: string): Promise<void>;
  holderOf(name: string): Promise<TunnelHolder | undefined>;
}

/**
 * Who may replace a live session of a name (one client per name):
 * - the same client (same `clientId` and token): its old connection is half-dead
 *   and the relay has not noticed yet, so it gets its name back at once;
 * - another client of the same token only when it asks to (`--takeover`);
 * - nobody else. Two terminals with one token and name used to replace each
 *   other forever; now the second is refused with `E_NAME_IN_USE`.
 * The Redis registry's CLAIM script applies the same rule.
 */
export function mayReplace(
  current: Pick<TunnelHolder, 'clientId' | 'owner'>,
  next: Pick<TunnelHolder, 'clientId' | 'owner'>,
  takeover = false,
): boolean {
  if (current.owner !== next.owner) return false;
  return current.clientId === next.clientId || takeover;
}

/** The refusal for a name held by another live client: where and since when. */
export function nameInUseMessage(name: string, holder: TunnelHolder): string {
  const where = holder.remoteAddress ? ` from ${holder.remoteAddress}` : '';
  const since = holder.since ? ` since ${new Date(holder.since).toISOString()}` : '';
  return `tunnel name "${name}" is in use by another client${where}${since}; stop it, or connect with --takeover to replace it`;
}

export function createMemoryRegistry(): TunnelRegistry {
  const holders = new Map<string, TunnelHolder>();
  return {
    async claim(name, holder, takeover = false) {
      const current = holders.get(name);
      if (current && !mayReplace(current, holder, takeover)) {
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

/** What a client replaced by `--takeover` is told before its session ends. */
export function takenOverMessage(name: string, by: string): string {
  return `tunnel name "${name}" was taken over by another client${by ? ` from ${by}` : ''} (--takeover); this one stops`;
}
