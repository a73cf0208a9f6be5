import { type CapturedBody, CaptureError, type CaptureRecord, type RequestEdit } from '@hookline/capture';
import type { GenericHmacConfig, ProviderId } from '@hookline/signatures';
import type { ReplayRequest } from './capture-service.js';

/** A body as JSON: the bytes as base64 (the shape captures.json had). */
interface BodyJson {
  data: string;
  size: number;
  truncated: boolean;
}

/** A capture as the control endpoint sends it: every field as is, bodies as base64. */
export type CaptureRecordJson = Omit<CaptureRecord, 'request' | 'response'> & {
  request: Omit<CaptureRecord['request'], 'body'> & { body: BodyJson };
  response: (Omit<NonNullable<CaptureRecord['response']>, 'body'> & { body: BodyJson }) | null;
};

const bodyToJson = ({ bytes, size, truncated }: CapturedBody): BodyJson => ({
  data: bytes.toString('base64'),
  size,
  truncated,
});
const bodyFromJson = ({ data, size, truncated }: BodyJson): CapturedBody => ({
  bytes: Buffer.from(data, 'base64'),
  size,
  truncated,
});

export function encodeRecord(record: CaptureRecord): CaptureRecordJson {
  return {
    ...record,
    request: { ...record.request, body: bodyToJson(record.request.body) },
    response: record.response && { ...record.response, body: bodyToJson(record.response.body) },
  };
}

/** The inverse of `encodeRecord`, for what the owner answered (trusted: our own process). */
export function decodeRecord(json: CaptureRecordJson): CaptureRecord {
  return {
    ...json,
    request: { ...json.request, body: bodyFromJson(json.request.body) },
    response: json.response && { ...json.response, body: bodyFromJson(json.response.body) },
  };
}

/** A replay request as JSON: an edited body travels as base64. */
export interface ReplayRequestJson {
  target?: string;
  edit?: { method?: string; path?: string; headers?: string[]; body?: string };
  /** Secrets travel only over the owner's loopback endpoint (bearer token, 0600 lock file); never stored. */
  resign?: { newId?: boolean; secrets?: Record<string, string>; generic?: GenericHmacConfig };
}

export function encodeReplayRequest(request: ReplayRequest): ReplayRequestJson {
  const json: ReplayRequestJson = {};
  if (request.target !== undefined) json.target = request.target;
  const edit = request.edit;
  if (edit) {
    json.edit = {
      ...(edit.method === undefined ? {} : { method: edit.method }),
      ...(edit.path === undefined ? {} : { path: edit.path }),
      ...(edit.headers === undefined ? {} : { headers: edit.headers }),
      ...(edit.body === undefined ? {} : { body: Buffer.from(edit.body).toString('base64') }),
    };
  }
  if (request.resign) {
    const config = request.resign.config;
    json.resign = {
      ...(request.resign.newId ? { newId: true } : {}),
      ...(config ? { secrets: config.secrets as Record<string, string> } : {}),
      ...(config?.generic ? { generic: config.generic } : {}),
    };
  }
  return json;
}

const isString = (value: unknown): value is string => typeof value === 'string';

export function decodeReplayRequest(value: unknown): ReplayRequest {
  const json = (value ?? {}) as ReplayRequestJson;
  const request: ReplayRequest = {};
  if (json.target !== undefined) {
    if (!isString(json.target)) throw new CaptureError('E_BAD_TARGET', 'target must be a string');
    request.target = json.target;
  }
  const edit = json.edit;
  if (edit !== undefined) {
    const out: RequestEdit = {};
    if (isString(edit.method)) out.method = edit.method;
    if (isString(edit.path)) out.path = edit.path;
    if (Array.isArray(edit.headers) && edit.headers.every(isString) && edit.headers.length % 2 === 0)
      out.headers = edit.headers;
    if (isString(edit.body)) out.body = Buffer.from(edit.body, 'base64');
    request.edit = out;
  }
  const resign = json.resign;
  if (resign !== undefined && typeof resign === 'object' && resign !== null) {
    const secrets: Partial<Record<ProviderId, string>> = {};
    for (const [name, value] of Object.entries(resign.secrets ?? {})) {
      if (isString(value)) secrets[name as ProviderId] = value;
    }
    request.resign = {
      ...(resign.newId === true ? { newId: true } : {}),
      config: { secrets, ...(resign.generic ? { generic: resign.generic } : {}) },
    };
  }
  return request;
}
