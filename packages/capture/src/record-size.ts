import type { CaptureRecord } from './types.js';

function headerBytes(headers: readonly string[]): number {
  let total = 0;
  for (const item of headers) total += item.length + 2;
  return total;
}

/**
 * What one record costs against the store's byte bound: the stored body bytes
 * (not the wire size: a truncated body costs only its kept part) plus the heads.
 */
export function recordBytes(record: CaptureRecord): number {
  const request = record.request;
  const response = record.response;
  let total = request.path.length + headerBytes(request.headers) + base64Bytes(request.body.data);
  if (response) total += headerBytes(response.headers) + base64Bytes(response.body.data);
  return total;
}

function base64Bytes(data: string): number {
  return Math.floor((data.length * 3) / 4);
}
