import { CaptureError } from '@hookline/capture';
import { SignatureError } from '@hookline/signatures';
import { UserError } from '../user-error.js';

/** `--limit` as a whole number ≥ 1: a limit of 0 would list nothing and read as "no captures yet". */
export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const limit = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(limit) || limit < 1) {
    throw new UserError(`--limit must be a whole number of at least 1, not "${text}"`);
  }
  return limit;
}

/** Capture errors are the user's to fix: one line, exit 1. */
export async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CaptureError || error instanceof SignatureError)
      throw new UserError(`${error.message} (${error.code})`);
    throw error;
  }
}
