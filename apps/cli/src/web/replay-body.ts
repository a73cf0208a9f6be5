import { type CaptureRecord, parseEditedRequest } from '@hookline/capture';
import type { ReplayRequest } from '../inspector/capture-service.js';
import { WebError } from './web-errors.js';

/**
 * The JSON of `POST /api/v1/captures/:id/replay`:
 * `{}` as captured; `"resign": true` (or `{ "newId": true }`) re-signed with the
 * running hookline's secrets; `"edit": "<text>"` the request edited as the text of
 * `editable` (request line, headers, blank line, body), read by the same
 * `parseEditedRequest` as `hookline replay --edit`: only what changed is replaced,
 * Content-Length is set to the body sent.
 */
export interface ReplayBodyJson {
  resign?: boolean | { newId?: boolean };
  edit?: string;
}

const bad = (message: string) => new WebError(400, 'E_BAD_REQUEST', message);

function resignFrom(value: unknown): ReplayRequest['resign'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { newId, ...others } = value as Record<string, unknown>;
    if (Object.keys(others).length === 0 && (newId === undefined || typeof newId === 'boolean')) {
      return newId ? { newId: true } : {};
    }
  }
  throw bad('resign must be true or { "newId": true|false }');
}

/** Check the JSON and turn it into the capture service's request (an edit is parsed against the original). */
export function replayRequestFrom(json: unknown, original: CaptureRecord, maxEditChars: number): ReplayRequest {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad('the body must be a JSON object');
  const { resign, edit, ...rest } = json as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw bad(`unknown field ${unknown[0]}; fields: resign, edit`);
  const request: ReplayRequest = {};
  const resigning = resignFrom(resign);
  if (resigning) request.resign = resigning;
  if (edit !== undefined) {
    if (typeof edit !== 'string') throw bad('edit must be the request as text (see "editable")');
    if (edit.length > maxEditChars)
      throw new WebError(413, 'E_BODY_TOO_LARGE', `an edit is at most ${maxEditChars} characters`);
    request.edit = parseEditedRequest(edit, original.request);
  }
  return request;
}
