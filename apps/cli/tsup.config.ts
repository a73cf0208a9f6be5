import { defineConfig } from 'tsup';

/**
 * Left as imports resolved from node_modules at run time: what cannot be inlined
 * (better-sqlite3 finds its native binding from its own folder; pino starts its
 * transports from file paths), what only `hookline relay` or cluster mode loads, and
 * what Ink imports only with DEV=true (react-devtools-core, not installed).
 */
const RUNTIME_DEPENDENCIES = ['better-sqlite3', 'pino', 'prom-client', 'ioredis', 'tsx', 'react-devtools-core'];

/** How the CLI is bundled; `bench/build.ts` builds the bench's processes the same way. */
export const CLI_BUNDLE = {
  // Everything but RUNTIME_DEPENDENCIES is inlined, our packages (TypeScript source)
  // and npm ones alike, and tree-shaken. Node resolves, reads and compiles each module
  // file on its own, and imports CommonJS from ESM only after lexing it for its export
  // names: as separate files, undici (112 of them), ws, commander, React and Ink's
  // helpers cost `hookline http` ~130 ms before its ready line and ~190 ms before the
  // inspector's first screen (alternating builds, medians of 5 from spawn: 591 → 458
  // ms and 972 → 782 ms).
  noExternal: [new RegExp(`^(?!(${RUNTIME_DEPENDENCIES.join('|')})(/|$))`)],
  external: RUNTIME_DEPENDENCIES,
  // Inlined CommonJS calls require() for Node's own modules and its optional
  // dependencies (ws: bufferutil): an ESM bundle has no require of its own.
  banner: {
    js: "import { createRequire as __hooklineRequire } from 'node:module'; const require = __hooklineRequire(import.meta.url);",
  },
  // React and its reconciler are inlined as their production builds: the development
  // ones re-check every render (the inspector's first screen of 100 000 captures was
  // ~15 % slower with them).
  define: { 'process.env.NODE_ENV': '"production"' },
};

export default defineConfig({
  entry: { hookline: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  splitting: true,
  ...CLI_BUNDLE,
  sourcemap: true,
});
