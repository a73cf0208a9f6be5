import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { CLI_BUNDLE } from '../apps/cli/tsup.config.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Every process the bench starts, by name. */
const entries = {
  client: here('../packages/testing/src/client-process.ts'),
  origin: here('./origin.ts'),
  receiver: here('./webhook-origin.ts'),
  'reference-relay': here('./reference/relay.ts'),
  'reference-client': here('./reference/client.ts'),
  'queue-relay': here('./queue-store-relay.ts'),
};
export type BenchProcess = keyof typeof entries;

/**
 * Build (or let turbo confirm) the shipped CLI and relay service, and build the
 * bench's own processes the way hookline ships (apps/cli's `CLI_BUNDLE`: all but
 * a few runtime dependencies inlined) into bench/.build, and
 * return the script of each. Run from TypeScript through tsx instead, every
 * closure pays esbuild's keepNames wrapper (`__name`) and each process carries a
 * loader thread, neither of which users run: relay and client then looked ~1.6×
 * as costly per request.
 * `--tsx` (or HOOKLINE_BENCH_TSX=1) measures the sources as they are instead.
 */
export async function benchScripts(): Promise<Record<BenchProcess, string>> {
  // The CLI and relay-service builds the bench also runs (`hookline http`, idle
  // tunnels) must hold the current sources: turbo rebuilds them when those changed.
  execFileSync('npx', ['turbo', 'run', 'build', '--filter=@hookline/cli', '--filter=@hookline/relay-service'], {
    cwd: here('..'),
    stdio: 'ignore',
  });
  if (process.argv.includes('--tsx') || process.env.HOOKLINE_BENCH_TSX === '1') return { ...entries };
  const outDir = here('./.build');
  await build({
    config: false,
    entry: entries,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir,
    clean: true,
    splitting: true,
    silent: true,
    ...CLI_BUNDLE,
  });
  const built = {} as Record<BenchProcess, string>;
  for (const name of Object.keys(entries) as BenchProcess[]) built[name] = `${outDir}/${name}.js`;
  return built;
}
