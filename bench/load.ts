import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  bytesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  body: Buffer;
  /** @default content-type: application/json */
  headers?: Record<string, string>;
}

/** Drive POSTs at `url` with autocannon (a Node library: nothing to download). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationSeconds,
    body: options.body,
    headers: options.headers ?? { 'content-type': 'application/json' },
  });
  return {
    requestsPerSecond: result.requests.average,
    // Request bytes sent per second is what an upload benchmark measures.
    bytesPerSecond: result.requests.average * options.body.length,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
