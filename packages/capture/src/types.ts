import type { EventId, ProviderId, SignatureVerdict } from '@hookline/signatures';

/** Where a captured exchange came from (`handshake`: answered by the relay itself, never forwarded). */
export type CaptureOrigin = 'live' | 'replay' | 'queued' | 'handshake';

/** A body as stored: the exact bytes, or their first `maxBodyBytes` with a flag. */
export interface CapturedBody {
  /** The stored bytes: byte-exact, whatever the content type (base64 `data` only on the wire). */
  bytes: Buffer;
  /** Bytes that crossed the wire, even when fewer are stored. */
  size: number;
  /** True when only the first bytes are stored (the forward itself was whole). */
  truncated: boolean;
}

export interface CapturedRequest {
  method: string;
  /** Path and query as forwarded to the local target. */
  path: string;
  /** Node's flat raw header list as the caller sent it: order, case and repeats kept. */
  headers: string[];
  body: CapturedBody;
  /** Caller's address as the relay saw it. */
  remoteAddress: string;
  /** Scheme and Host of the public URL the caller used. */
  protocol: 'http' | 'https';
  host: string;
  /**
   * Path and query of the public URL when routing changed them (`/t/<name>/hooks`
   * for a path-routed tunnel, `path` being `/hooks`). Absent when the public path
   * is `path` (host routing), for replays, and in records from before it was kept.
   */
  publicPath?: string;
}

export interface CapturedResponse {
  status: number;
  statusText: string;
  headers: string[];
  body: CapturedBody;
}

export interface CaptureTimings {
  /** ms from the request head to the response head; null when none came. */
  waitMs: number | null;
  /** ms from the request head to the end of the exchange. */
  totalMs: number;
}

/** A coded failure of the exchange (`E_LOCAL_REFUSED`, `E_LOCAL_TIMEOUT`…). */
export interface ExchangeFailure {
  code: string;
  message: string;
}

/**
 * A queued delivery whose signature aged past the provider's tolerance while it
 * waited at the relay (the client's `LateDelivery`): re-signed before it was
 * forwarded, or why not. The capture's `signature` stays the original verdict.
 */
export interface LateNote {
  provider: ProviderId;
  /** Seconds between the relay receiving it and its delivery. */
  delayS: number;
  /** Age of the signed timestamp at delivery, seconds. */
  ageS: number;
  toleranceS: number;
  resigned: boolean;
  /** "delivered 600 s late; re-signed with a fresh timestamp". */
  message: string;
}

/** One exchange as the store keeps it. */
export interface CaptureRecord {
  /** Store-assigned, increasing: `hookline replay <id>`. */
  id: string;
  /** Tunnel name the exchange came through ('' for a replay from the command line). */
  tunnel: string;
  origin: CaptureOrigin;
  /** For a replay: the id of the capture it re-sent. */
  replayOf: string | null;
  /** The local target it was sent to, e.g. `http://localhost:3000/`. */
  target: string;
  /** Epoch ms when the request head arrived. */
  startedAt: number;
  request: CapturedRequest;
  response: CapturedResponse | null;
  timings: CaptureTimings;
  error: ExchangeFailure | null;
  /**
   * The request's signature, judged at receipt (`startedAt`) with the secrets the
   * recording process had. Absent when unsigned (and in records from before signatures).
   */
  signature?: SignatureVerdict;
  /** The provider's event id (Stripe `evt_…`, `X-GitHub-Delivery`, `webhook-id`…), when there is one. */
  event?: EventId;
  /** The first capture that delivered the same event: this one is a resend. */
  duplicateOf?: string;
  /** A late queued delivery: re-signed, or why not. Absent for everything else. */
  late?: LateNote;
  /** The tunnel route that chose `target` (`/stripe`, `stripe:invoice.*`); absent for the tunnel's own target. */
  route?: RouteNote;
}

/** Which route took an exchange, and where (kept in the list, so each row can show it). */
export interface RouteNote {
  match: string;
  target: string;
}

/** A record before the store gave it an id. */
export type CaptureDraft = Omit<CaptureRecord, 'id'>;

/** A body as the list knows it: sizes and flags, no bytes. */
export type BodyInfo = Omit<CapturedBody, 'bytes'>;

/**
 * What the store keeps in memory for each capture, and what its list shows: the
 * record without headers, bodies and the per-connection details (target, host,
 * caller address) that `store.get(id)` reads back. Small on purpose: a history
 * of 100 000 captures is held as 100 000 of these.
 */
export interface CaptureListing
  extends Omit<
    CaptureRecord,
    'request' | 'response' | 'target' | 'signature' | 'event' | 'duplicateOf' | 'late' | 'route'
  > {
  request: Pick<CapturedRequest, 'method' | 'path'> & { body: BodyInfo };
  response: (Pick<CapturedResponse, 'status'> & { body: BodyInfo }) | null;
  signature?: SignatureVerdict | undefined;
  event?: EventId | undefined;
  duplicateOf?: string | undefined;
  late?: LateNote | undefined;
  route?: RouteNote | undefined;
}

/** The shape of the lowdb `captures.json` of hookline before the SQLite log (imported once; bodies were base64 there). */
export interface StoreData {
  version: 1;
  nextId: number;
  /** Oldest first. */
  captures: CaptureRecord[];
}
