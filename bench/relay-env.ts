import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dockerfile = readFileSync(fileURLToPath(new URL('../apps/relay/Dockerfile', import.meta.url)), 'utf8');
const trimThreshold = /MALLOC_TRIM_THRESHOLD_=(\d+)/.exec(dockerfile)?.[1];
if (!trimThreshold)
  throw new Error('apps/relay/Dockerfile no longer sets MALLOC_TRIM_THRESHOLD_: update bench/relay-env.ts');

/**
 * The environment the relay runs with as deployed, read from apps/relay/Dockerfile
 * so the two cannot drift: glibc keeps freed heap (up to the threshold) instead of
 * faulting it back in on every upload. The bench measures the relay as shipped.
 */
export const DEPLOYED_RELAY_ENV: Record<string, string> = { MALLOC_TRIM_THRESHOLD_: trimThreshold };
