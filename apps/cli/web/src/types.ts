/** The API's shapes (see README "Web inspector"). */
export interface SignatureVerdict {
  status: 'valid' | 'invalid' | 'stale' | 'no-secret' | 'unsigned';
  provider: string | null;
  reason: string | null;
  timestamp: number | null;
}

export interface CaptureSummary {
  id: string;
  time: string;
  origin: 'live' | 'replay' | 'queued' | 'handshake';
  replayOf: string | null;
  tunnel: string;
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  truncated: boolean;
  error: { code: string; message: string } | null;
  signature: SignatureVerdict | null;
  event: { provider: string; id: string } | null;
  duplicateOf: string | null;
  /** A late queued delivery: re-signed, or why not (`signature` is the verdict at receipt). */
  late: { provider: string; delayS: number; resigned: boolean; message: string } | null;
}

export interface CapturePage {
  captures: CaptureSummary[];
  total: number;
  next: string | null;
}

export interface BodyJson {
  size: number;
  truncated: boolean;
  base64: string;
  decodedFrom: string | null;
  text: string | null;
}

export interface CaptureDetail {
  capture: CaptureSummary;
  target: string;
  request: {
    method: string;
    path: string;
    publicPath: string | null;
    host: string;
    headers: Array<[string, string]>;
    body: BodyJson;
  };
  response: { status: number; statusText: string; headers: Array<[string, string]>; body: BodyJson } | null;
  timings: { waitMs: number | null; totalMs: number };
  deliveries: string[];
  editable: string;
}

export interface TunnelView {
  url: string;
  name?: string;
  target: string;
  state: 'connecting' | 'online' | 'reconnecting' | 'offline';
  retryAt?: number;
  reason?: string;
  queue?: { pending: number; failed: number; delivered?: number };
}
