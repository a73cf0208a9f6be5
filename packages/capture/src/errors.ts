/** Codes of mistakes a user can fix while working with captures. */
export type CaptureErrorCode =
  | 'E_CAPTURE_NOT_FOUND'
  | 'E_CAPTURE_TRUNCATED'
  | 'E_BAD_TARGET'
  | 'E_BAD_EDIT'
  | 'E_BAD_FILTER'
  | 'E_EDIT_CANCELLED'
  | 'E_STORE_LOCKED'
  | 'E_CANNOT_RESIGN'
  | 'E_BATCH_TOO_LARGE';

/** A coded capture error; the CLI prints its message as one line and exits 1. */
export class CaptureError extends Error {
  readonly code: CaptureErrorCode;

  constructor(code: CaptureErrorCode, message: string) {
    super(message);
    this.name = 'CaptureError';
    this.code = code;
  }
}
