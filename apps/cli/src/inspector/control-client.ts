import { CaptureError, type CaptureErrorCode, type LockOwner } from '@hookline/capture';
import type { CaptureService, ListQuery } from './capture-service.js';
import { type CaptureRecordJson, decodeRecord, encodeReplayRequest } from './control-wire.js';

const CAPTURE_CODES = new Set<string>([
  'E_CAPTURE_NOT_FOUND',
  'E_CAPTURE_TRUNCATED',
  'E_BAD_TARGET',
  'E_BAD_EDIT',
  'E_BAD_FILTER',
  'E_CANNOT_RESIGN',
]);

async function call<T>(owner: LockOwner, path: string, init: RequestInit = {}, timeoutMs = 35_000): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${owner.port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.json()) as T & { code?: string; message?: string };
  if (response.ok) return body;
  if (body.code && CAPTURE_CODES.has(body.code))
    throw new CaptureError(body.code as CaptureErrorCode, body.message ?? body.code);
  throw new Error(`the running hookline answered ${response.status}: ${body.message ?? ''}`);
}

/** Is the store owner's control endpoint there and ours? (A pid can be reused.) */
export async function pingOwner(owner: LockOwner): Promise<boolean> {
  if (owner.port === null) return false;
  try {
    await call(owner, '/v1/captures?limit=0', {}, 1_500);
    return true;
  } catch {
    return false;
  }
}

/** The capture service of a running `hookline http`, over its control endpoint. */
export function remoteCaptureService(owner: LockOwner): CaptureService {
  return {
    async list(query: ListQuery) {
      const params = new URLSearchParams();
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      if (query.filter) params.set('filter', query.filter);
      if (query.withoutBodies) params.set('bodies', '0');
      return (await call<{ captures: CaptureRecordJson[] }>(owner, `/v1/captures?${params}`)).captures.map(
        decodeRecord,
      );
    },
    async get(id) {
      try {
        return decodeRecord(await call<CaptureRecordJson>(owner, `/v1/captures/${encodeURIComponent(id)}`));
      } catch (error) {
        if (error instanceof CaptureError && error.code === 'E_CAPTURE_NOT_FOUND') return undefined;
        throw error;
      }
    },
    replay: async (id, request) =>
      decodeRecord(
        await call<CaptureRecordJson>(owner, `/v1/captures/${encodeURIComponent(id)}/replay`, {
          method: 'POST',
          body: JSON.stringify(encodeReplayRequest(request)),
        }),
      ),
  };
}
