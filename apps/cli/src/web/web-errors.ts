import { CaptureError, type CaptureErrorCode } from '@hookline/capture';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Codes the web inspector's own checks answer with (capture errors keep theirs). */
export type WebErrorCode =
  | 'E_BAD_HOST'
  | 'E_BAD_ORIGIN'
  | 'E_UNAUTHORIZED'
  | 'E_BAD_REQUEST'
  | 'E_BODY_TOO_LARGE'
  | 'E_TOO_MANY_STREAMS'
  | 'E_NOT_FOUND'
  | 'E_NO_PAGE'
  | 'E_INTERNAL';

/** A refusal with a status and a stable code (sent as `hookline-error` and in the JSON body). */
export class WebError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: WebErrorCode;

  constructor(status: ContentfulStatusCode, code: WebErrorCode, message: string) {
    super(message);
    this.name = 'WebError';
    this.status = status;
    this.code = code;
  }
}

/** The status each capture error is answered with. */
const CAPTURE_STATUS: Record<CaptureErrorCode, ContentfulStatusCode> = {
  E_CAPTURE_NOT_FOUND: 404,
  E_CAPTURE_TRUNCATED: 409,
  E_BAD_TARGET: 400,
  E_BAD_EDIT: 400,
  E_BAD_FILTER: 400,
  E_EDIT_CANCELLED: 400,
  E_STORE_LOCKED: 409,
  E_CANNOT_RESIGN: 400,
  E_BATCH_TOO_LARGE: 413,
};

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ code, message }, status, { 'hookline-error': code });
}

/**
 * The one `onError`: coded errors keep their code; anything else is a bug,
 * told to `report` (the terminal) and answered without its details.
 */
export function webErrorHandler(report: (error: Error) => void) {
  return (error: Error, c: Context): Response => {
    if (error instanceof WebError) return errorResponse(c, error.status, error.code, error.message);
    if (error instanceof CaptureError) return errorResponse(c, CAPTURE_STATUS[error.code], error.code, error.message);
    report(error);
    return errorResponse(c, 500, 'E_INTERNAL', 'the inspector failed to answer; see the terminal running hookline');
  };
}
