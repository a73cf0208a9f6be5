import {
  CaptureError,
  type CaptureRecord,
  type CaptureStore,
  type ReplayHostHeader,
  type RequestEdit,
  replayCapture,
} from '@hookline/capture';
import { type SignatureConfig, SignatureError } from '@hookline/signatures';

export interface ListQuery {
  /** Newest first, at most this many. */
  limit?: number;
  /** The filter language of `parseFilter`; a bad one is `E_BAD_FILTER`. */
  filter?: string;
  /** Leave body bytes out (sizes and flags stay): listing needs no bodies. */
  withoutBodies?: boolean;
}

export interface ReplayRequest {
  target?: string;
  edit?: RequestEdit;
  /**
   * Re-sign with a fresh timestamp (a new `webhook-id` with `newId`). Secrets are
   * the store owner's, overridden by any the asking command was given.
   */
  resign?: { newId?: boolean; config?: SignatureConfig };
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
  /** Secrets for re-signing. @default none */
  signatures?: SignatureConfig;
  /** Clock for replays (start time, re-signed timestamps). @default Date.now */
  now?: () => number;
}

/** The owner's secrets with the asking command's on top. */
function mergeConfig(own: SignatureConfig | undefined, asked: SignatureConfig | undefined): SignatureConfig {
  const generic = asked?.generic ?? own?.generic;
  return { secrets: { ...own?.secrets, ...asked?.secrets }, ...(generic ? { generic } : {}) };
}

/** The service over a store this process owns. */
export function localCaptureService(store: CaptureStore, options: LocalServiceOptions = {}): CaptureService {
  return {
    list: (query) => store.query(query),
    get: async (id) => store.get(id),
    async replay(id, request) {
      const original = store.get(id);
      if (!original) throw new CaptureError('E_CAPTURE_NOT_FOUND', `no capture with id ${id}`);
      const resign = request.resign && {
        config: mergeConfig(options.signatures, request.resign.config),
        ...(request.resign.newId ? { newId: true } : {}),
      };
      try {
        const draft = await replayCapture(original, {
          ...(request.target === undefined ? {} : { target: request.target }),
          ...(request.edit === undefined ? {} : { edit: request.edit }),
          ...(options.hostHeader === undefined ? {} : { hostHeader: options.hostHeader }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(resign ? { resign } : {}),
          ...(options.now ? { now: options.now } : {}),
        });
        return store.add(draft);
      } catch (error) {
        // A missing secret or an unsigned request is the user's to fix, like a bad target.
        if (error instanceof SignatureError) throw new CaptureError('E_CANNOT_RESIGN', error.message);
        throw error;
      }
    },
  };
}
