import { MAX_MESSAGE_SIZE } from './constants.js';

/** Batches at least this big are joined into a reused buffer instead of a fresh one. */
export const POOLED_BATCH_MIN = 64 * 1024;
/** Buffers kept for reuse, process-wide (each MAX_MESSAGE_SIZE bytes). */
const MAX_SPARE = 4;

const spare: Buffer[] = [];

/**
 * Join a large batch into a reused buffer. A fresh 256 KiB buffer per batch is
 * memory the kernel must zero and V8 counts as external allocation: under a
 * large upload that churn drives page faults and full GCs. The caller must hand
 * the buffer back with `releaseBatchBuffer` once the transport is done with it
 * (ws calls the send callback after the socket write).
 */
export function joinIntoPooledBuffer(parts: readonly Buffer[], total: number): { data: Buffer; backing: Buffer } {
  const backing = spare.pop() ?? Buffer.allocUnsafeSlow(MAX_MESSAGE_SIZE);
  let offset = 0;
  for (const part of parts) offset += part.copy(backing, offset);
  return { data: backing.subarray(0, total), backing };
}

export function releaseBatchBuffer(backing: Buffer): void {
  if (spare.length < MAX_SPARE) spare.push(backing);
}
