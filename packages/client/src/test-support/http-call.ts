import { createHash } from 'node:crypto';
import { type Agent, request } from 'node:http';
import type { Readable } from 'node:stream';

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: Buffer;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string | string[]> | string[];
  body?: Buffer | string | Readable | undefined;
  agent?: Agent;
}

/** One HTTP exchange with node:http (fetch refuses some methods and Host headers). */
export function call(url: string, options: CallOptions = {}): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    let headers = options.headers ?? {};
    // Node sends a DELETE/OPTIONS body with no framing at all unless told its length.
    if ((typeof body === 'string' || Buffer.isBuffer(body)) && !Array.isArray(headers)) {
      headers = { 'content-length': String(Buffer.byteLength(body)), ...headers };
    }
    const req = request(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
