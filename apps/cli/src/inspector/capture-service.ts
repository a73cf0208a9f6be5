import {
  CaptureError,
  type CaptureRecord,
  type CaptureStore,
  compileFilter,
  type ReplayHostHeader,
  type RequestEdit,
  replayCapture,
} from '@hookline/capture';

export interface ListQuery {
  /** Newest first, at most this many. */
  limit?: number;
  filter?: string;
  /** Leave body bytes out (sizes and flags stay): listing needs no bodies. */
  withoutBodies?: boolean;
}

export interface ReplayRequest {
  target?: string;
  edit?: RequestEdit;
}

/** What every consumer of captures needs, wherever the store lives. */
export interface CaptureService {
  list(query: ListQuery): Promise<CaptureRecord[]>;
  get(id: string): Promise<CaptureRecord | undefined>;
  /** Re-send a capture and store the result as a new exchange. */
  replay(id: string, request: ReplayRequest): Promise<CaptureRecord>;
}

export interface LocalServiceOptions {
  hostHeader?: ReplayHostHeader;
  timeoutMs?: number;
}

const NO_BODY = { data: '' };

/** Drop body bytes but keep sizes and flags. */
export function withoutBodies(record: CaptureRecord): CaptureRecord {
  return {
    ...record,
    request: { ...record.request, body: { ...record.request.body, ...NO_BODY } },
    response: record.response && { ...record.response, body: { ...record.response.body, ...NO_BODY } },
  };
}

/** Newest first, filtered, limited. */
export function selectCaptures(all: readonly CaptureRecord[], query: ListQuery): CaptureRecord[] {
  const matches = compileFilter(query.filter ?? '');
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  const out: CaptureRecord[] = [];
  for (let i = all.length - 1; i >= 0 && out.length < limit; i -= 1) {
    const record = all[i] as CaptureRecord;
    if (matches(record)) out.push(query.withoutBodies ? withoutBodies(record) : record);
  }
  return out;
}

/** The service over a store this process owns. */
export function localCaptureService(store: CaptureStore, options: LocalServiceOptions = {}): CaptureService {
  return {
    list: async (query) => selectCaptures(store.list(), query),
    get: async (id) => store.get(id),
    async replay(id, request) {
      const original = store.get(id);
      if (!original) throw new CaptureError('E_CAPTURE_NOT_FOUND', `no capture with id ${id}`);
      const draft = await replayCapture(original, {
        ...(request.target === undefined ? {} : { target: request.target }),
        ...(request.edit === undefined ? {} : { edit: request.edit }),
        ...(options.hostHeader === undefined ? {} : { hostHeader: options.hostHeader }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      return store.add(draft);
    },
  };
}
