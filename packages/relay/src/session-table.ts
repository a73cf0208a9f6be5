import type { TunnelSession } from './tunnel-session.js';

/** Sessions held by this relay process, by tunnel name (the ingress hot path reads it). */
export class SessionTable {
  readonly #byName = new Map<string, TunnelSession>();

  get(name: string): TunnelSession | undefined {
    return this.#byName.get(name);
  }

  set(session: TunnelSession): void {
    this.#byName.set(session.name, session);
  }

  /** Remove `session` only if it is still the one registered under its name. */
  delete(session: TunnelSession): boolean {
    if (this.#byName.get(session.name) !== session) return false;
    this.#byName.delete(session.name);
    return true;
  }

  get size(): number {
    return this.#byName.size;
  }

  values(): IterableIterator<TunnelSession> {
    return this.#byName.values();
  }
}
