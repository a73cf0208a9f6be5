import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  /** Requests answered in the whole run (for per-request figures such as CPU time). */
  requests: number;
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
    requests: result.requests.total,
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

/**
 * Warm each URL up for a second (unless `warmUp` is false: the quick smoke run),
 * then `runs` rounds that load each URL in turn with the same shape (alternating,
 * so drift hits all alike): results per URL. `around(index)`, when given, is called
 * just before each measured run of URL `index` and returns what to call with its
 * result (to read CPU counters over exactly that run).
 */
export async function alternate(
  urls: readonly string[],
  shape: Omit<LoadOptions, 'url' | 'durationSeconds'>,
  runs: number,
  seconds: number,
  warmUp = true,
  around?: (index: number) => (result: LoadResult) => void,
): Promise<LoadResult[][]> {
  if (warmUp) for (const url of urls) await load({ ...shape, url, durationSeconds: 1 });
  const results = urls.map((): LoadResult[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [index, url] of urls.entries()) {
      const done = around?.(index);
      const result = await load({ ...shape, url, durationSeconds: seconds });
      done?.(result);
      if (result.errors || result.non2xx) console.log(`  (${url}: ${result.errors} errors, ${result.non2xx} non-2xx)`);
      results[index]?.push(result);
    }
  }
  return results;
}

/** Median of one figure over runs. */
export function medianOf(results: readonly LoadResult[] | undefined, pick: (result: LoadResult) => number): number {
  return median((results ?? []).map(pick));
}
