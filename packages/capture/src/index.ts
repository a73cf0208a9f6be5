/**
 * @module @hookline/capture — the capture history of a tunnel client: a bounded
 * SQLite log of exchanges with their exact body bytes, the recorder that fills
 * it from tunnel events, replay, filters, and curl/HAR export.
 */
export { BodyCollector, bodyBytes, wholeBody } from './body.js';
export { type CaptureListener, type CaptureQuery, CaptureStore } from './capture-store.js';
export { shellQuote, toCurl } from './curl.js';
export { parseEditedRequest, renderEditableRequest } from './edit-request.js';
export { CaptureError, type CaptureErrorCode } from './errors.js';
export { FILTER_KEYS, type FilterKey, type FilterTerm, parseFilter, tunnelOf } from './filter.js';
export { type RequestFixture, toFixture } from './fixture.js';
export {
  type HarDocument,
  type HarEntry,
  toHar,
} from './har.js';
export { defaultDataDir, LEGACY_STORE_FILE, LOCK_FILE, STORE_FILE } from './paths.js';
export { type CaptureSink, ExchangeRecorder, type RecordedHead, type RecorderOptions } from './recorder.js';
export { type ReplayOptions, type RequestEdit, replayCapture } from './replay.js';
export type { ReplayHostHeader } from './replay-headers.js';
export { signatureAnnotator } from './signature-annotation.js';
export { acquireStoreLock, type LockAttempt, type LockOwner, readStoreLock, type StoreLock } from './store-lock.js';
export { CAPTURE_DEFAULTS, type CaptureStoreOptions } from './store-options.js';
export { bodyText } from './text-body.js';
export type {
  BodyInfo,
  CaptureDraft,
  CapturedBody,
  CapturedRequest,
  CapturedResponse,
  CaptureListing,
  CaptureOrigin,
  CaptureRecord,
  CaptureTimings,
  ExchangeFailure,
  LateNote,
  RouteNote,
  StoreData,
} from './types.js';
