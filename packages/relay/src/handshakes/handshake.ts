import type { IncomingHttpHeaders } from 'node:http';
import type { HandshakeKind, HandshakeSecrets } from '@hookline/protocol';

/** Longest challenge or token the relay echoes: every provider's is far shorter. */
export const MAX_CHALLENGE_LENGTH = 2048;
/** Most body bytes the relay reads to recognise a handshake (Slack, Zoom). */
export const MAX_HANDSHAKE_BODY_BYTES = 64 * 1024;

/** What a provider looks at: the head, and the JSON body when it asked for one. */
export interface HandshakeRequest {
  method: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the body was not read or is not JSON. */
  json: unknown;
}

export interface HandshakeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `null`: not this handshake, forward the request as usual. `refuse`: it is one,
 * but unanswerable (a challenge over the limit): a coded 400 rather than a
 * forward the provider would not understand either.
 */
export type HandshakeVerdict = null | { answer: HandshakeAnswer } | { refuse: string };

export interface HandshakeProvider {
  kind: HandshakeKind;
  /** Recognising it needs the JSON body (read only for such providers, bounded). */
  readsBody: boolean;
  /** A cheap look at the head: could this be the handshake at all? */
  matchesHead(method: string, headers: IncomingHttpHeaders): boolean;
  answer(request: HandshakeRequest, secrets: HandshakeSecrets): HandshakeVerdict;
}

/** Printable text only: the challenge is echoed under the tunnel's own host name. */
const ECHOABLE = /^[\x20-\x7e]*$/;

/** A challenge the relay may echo, or why not. */
export function challengeProblem(value: string, what: string): string | null {
  if (value.length === 0) return `the ${what} is empty`;
  if (value.length > MAX_CHALLENGE_LENGTH) {
    return `the ${what} is ${value.length} characters long; the relay echoes at most ${MAX_CHALLENGE_LENGTH}`;
  }
  if (!ECHOABLE.test(value)) return `the ${what} holds characters other than printable ASCII`;
  return null;
}

/** 200 text/plain with the challenge: what Slack, Graph and WebSub expect. */
export function echoAnswer(challenge: string, what: string): HandshakeVerdict {
  const problem = challengeProblem(challenge, what);
  if (problem) return { refuse: problem };
  return { answer: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: challenge } };
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
