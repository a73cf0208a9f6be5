import type { HandshakeKind, HandshakeSecrets, Hello } from '@hookline/protocol';

/** An offline response as the relay writes it. */
export interface DeclaredOfflineResponse {
  status: number;
  /** Header values by lower-case name (repeats kept as arrays), ready for `setHeader`. */
  headers: Map<string, string[]>;
  body: Buffer;
}

/** What a tunnel's last HELLO asked the relay to answer by itself. */
export interface DeclaredAnswers {
  /** Token id that declared it: a name that changed hands is not answered for its former owner. */
  owner: string | null;
  handshakes: ReadonlySet<HandshakeKind>;
  secrets: HandshakeSecrets;
  offline: DeclaredOfflineResponse | null;
}

/** Why a HELLO's declaration is unusable, or null. */
export function declarationProblem(hello: Hello): string | null {
  if (hello.handshakes?.includes('zoom') && !hello.handshakeSecrets?.zoom) {
    return "the zoom handshake needs the app's secret token (hookline http --secret zoom=<token>)";
  }
  return null;
}

function offlineFrom(hello: Hello): DeclaredOfflineResponse | null {
  const declared = hello.offlineResponse;
  if (!declared) return null;
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < declared.headers.length; i += 2) {
    const name = (declared.headers[i] as string).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), declared.headers[i + 1] as string]);
  }
  return { status: declared.status, headers, body: Buffer.from(declared.body, 'base64') };
}

/**
 * Declarations by tunnel name, in this relay's memory only (they hold secrets;
 * nothing here is written to disk). A declaration outlives its session for a
 * reserved name, so handshakes and the offline response are answered while the
 * client is away; an unreserved name's is forgotten when its session ends, which
 * bounds the table by the reservations.
 */
export class DeclaredAnswersTable {
  readonly #byName = new Map<string, DeclaredAnswers>();

  /** A session started with this HELLO: its declaration replaces any earlier one (none clears it). */
  declare(name: string, owner: string | null, hello: Hello): void {
    const handshakes = new Set(hello.handshakes ?? []);
    const offline = offlineFrom(hello);
    if (handshakes.size === 0 && offline === null) {
      this.#byName.delete(name);
      return;
    }
    const secrets = handshakes.has('zoom') && hello.handshakeSecrets?.zoom ? { zoom: hello.handshakeSecrets.zoom } : {};
    this.#byName.set(name, { owner, handshakes, secrets, offline });
  }

  /** The declaration for `name`, if the one who made it still owns the name. */
  get(name: string, owner: string | null | undefined): DeclaredAnswers | undefined {
    const declared = this.#byName.get(name);
    return declared && declared.owner === (owner ?? null) ? declared : undefined;
  }

  forget(name: string): void {
    this.#byName.delete(name);
  }

  get size(): number {
    return this.#byName.size;
  }
}
