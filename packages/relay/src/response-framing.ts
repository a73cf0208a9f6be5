import { stripHopByHop } from '@hookline/protocol';

/** The status, reason and raw headers of a response, as a tunnel client (or another node) sent them. */
export interface ResponseHeadIn {
  status: number;
  statusText?: string | undefined;
  headers: readonly string[];
}

/** What the caller asked, as far as framing depends on it. */
export interface FramingRequest {
  method: string;
  /** The caller asked to upgrade the connection (only then may the answer be 101). */
  upgrade: boolean;
}

export type HeadVerdict =
  /** 1xx before the final answer: not written as a final head. `hints`: Link values of a 103. */
  | { kind: 'interim'; hints: string[] }
  /** 101 to an upgrade request: from here on the stream is a byte pipe. */
  | { kind: 'upgrade'; headers: string[] }
  /**
   * The final answer. `headers` are safe to write (hop-by-hop dropped, framing
   * checked); `length` is how many body bytes it has, null when the relay frames
   * it itself (chunked, or close-delimited for HTTP/1.0 callers).
   */
  | { kind: 'final'; status: number; statusText: string | undefined; headers: string[]; length: number | null }
  /** Unusable: answer 502 E_BAD_RESPONSE (or cut the connection if a head already went out). */
  | { kind: 'refuse'; message: string };

const DIGITS = /^[0-9]{1,15}$/;

/**
 * The relay owns the HTTP framing of every response it writes to a caller; the
 * client's framing headers are claims to check, never instructions. The rules:
 *
 * 1. Status 101 only answers an upgrade request; any other 1xx is interim (a 103's
 *    Link headers may be passed on as Early Hints) and never the final answer.
 * 2. A final status must be 200–599; anything else (600, 999) is refused.
 * 3. At most one Content-Length field, holding one plain decimal number; several
 *    fields, a list (`5, 5`), signs or junk are refused, and so is Content-Length
 *    together with Transfer-Encoding (the two framings disagree by definition).
 * 4. Transfer-Encoding alone is hop-by-hop: dropped, and the relay frames the body
 *    itself (the client sends decoded bytes).
 * 5. A response to HEAD, a 204 and a 304 have no body (length 0); a 204 also loses
 *    its Content-Length, which RFC 9110 forbids there. A 304 and a HEAD response keep
 *    theirs: it describes the representation, not these bytes.
 * 6. Otherwise a Content-Length is the exact body length: `ResponseBodyFraming`
 *    then holds the client's bytes to it (more is cut, fewer means the caller's
 *    connection is closed instead of ended).
 *
 * Refusals name the rule in `message`; the caller sees 502 `E_BAD_RESPONSE`.
 */
export function judgeResponseHead(head: ResponseHeadIn, request: FramingRequest): HeadVerdict {
  const { status } = head;
  if (status === 101) {
    if (!request.upgrade) return { kind: 'refuse', message: 'status 101 answers only an upgrade request' };
    return { kind: 'upgrade', headers: stripHopByHop(head.headers, true) };
  }
  if (status >= 100 && status <= 199) {
    return { kind: 'interim', hints: status === 103 ? headerValues(head.headers, 'link') : [] };
  }
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return { kind: 'refuse', message: `status ${status} is not a final HTTP status (200-599)` };
  }
  const lengths = headerValues(head.headers, 'content-length');
  const chunked = headerValues(head.headers, 'transfer-encoding').length > 0;
  if (lengths.length > 1) return { kind: 'refuse', message: 'more than one Content-Length header' };
  const [declared] = lengths;
  if (declared !== undefined && chunked) {
    return { kind: 'refuse', message: 'Content-Length together with Transfer-Encoding' };
  }
  if (declared !== undefined && !DIGITS.test(declared.trim())) {
    return { kind: 'refuse', message: `Content-Length "${declared.slice(0, 40)}" is not one decimal number` };
  }
  let headers = stripHopByHop(head.headers);
  const bodiless = request.method === 'HEAD' || status === 204 || status === 304;
  if (status === 204) headers = withoutHeader(headers, 'content-length');
  const length = bodiless ? 0 : declared === undefined ? null : Number(declared.trim());
  return { kind: 'final', status, statusText: head.statusText, headers, length };
}

/** What to do with one chunk of a response body. */
export interface BodyStep {
  /** The bytes that belong to the response (null: none). */
  write: Buffer | null;
  /** The declared length is reached: end the caller's response now. */
  complete: boolean;
  /** The client sent more than declared: its stream must be reset; the rest was dropped. */
  overrun: boolean;
}

/**
 * Holds a body to the length its head declared (rule 6 above). With no declared
 * length (null) every byte passes and the relay's own framing delimits it.
 */
export class ResponseBodyFraming {
  readonly #length: number | null;
  #received = 0;

  constructor(length: number | null) {
    this.#length = length;
  }

  /** True once the declared length arrived (always false for an undeclared length). */
  get complete(): boolean {
    return this.#length !== null && this.#received >= this.#length;
  }

  /** Feed one chunk, in order. After `complete`, any further byte is an overrun. */
  take(chunk: Buffer): BodyStep {
    if (this.#length === null) return { write: chunk, complete: false, overrun: false };
    const room = this.#length - this.#received;
    const kept = Math.min(room, chunk.length);
    this.#received += kept;
    const write = kept === 0 ? null : kept === chunk.length ? chunk : chunk.subarray(0, kept);
    return { write, complete: this.complete, overrun: chunk.length > room };
  }

  /** At the client's END: false when fewer bytes than declared arrived (close the caller's connection). */
  whole(): boolean {
    return this.#length === null || this.#received === this.#length;
  }
}

function headerValues(raw: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() === name) values.push(raw[i + 1] as string);
  }
  return values;
}

function withoutHeader(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== name) out.push(raw[i] as string, raw[i + 1] as string);
  }
  return out;
}
