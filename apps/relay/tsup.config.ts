import { defineConfig } from 'tsup';

/**
 * The container image runs these two files and one native module: every other
 * dependency, npm packages included, is bundled. better-sqlite3 (the offline
 * queue) is a compiled addon that finds its `.node` file at run time, so it stays
 * external and the image copies it (with `bindings`, which loads it) beside the bundle.
 */
export default defineConfig({
  entry: { main: 'src/main.ts', healthcheck: 'src/healthcheck.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  splitting: true,
  // Everything but the native addon (noExternal would win over `external`).
  noExternal: [/^(?!better-sqlite3$)/],
  // ws loads these optional native speed-ups in a try/catch; they are not installed.
  external: ['bufferutil', 'utf-8-validate', 'better-sqlite3'],
  // ws, pino and prom-client are CommonJS and call require(); an ESM bundle has no
  // require of its own, so give it node's (else: "Dynamic require of 'events' is not supported").
  banner: {
    js: "import { createRequire as __hooklineCreateRequire } from 'node:module';\nconst require = __hooklineCreateRequire(import.meta.url);",
  },
  sourcemap: true,
});
