/** Codes of signature problems a user can fix (a missing secret, a bad config). */
export type SignatureErrorCode = 'E_SIGNATURE_NO_SECRET' | 'E_SIGNATURE_UNSIGNED' | 'E_SIGNATURE_CONFIG';

/** A coded signature error: the CLI prints it as one line and exits 1. */
export class SignatureError extends Error {
  readonly code: SignatureErrorCode;

  constructor(code: SignatureErrorCode, message: string) {
    super(message);
    this.name = 'SignatureError';
    this.code = code;
  }
}
