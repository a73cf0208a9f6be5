import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { hookline: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  splitting: true,
  // Internal packages export TypeScript source: inline them into the bundle. So are the
  // ESM-only packages that cost the start most as separate files: Node resolves, reads
  // and compiles each module on its own, and these are ~1 600 of them. Ink imports
  // `es-toolkit/compat` (~1 300 modules) for one `throttle`; zod is ~230, hono ~50,
  // lowdb ~15. Bundled, tree-shaking keeps what is used. All ESM: no require() here.
  noExternal: [/^@hookline\//, /^(ink|es-toolkit|zod|hono|@hono\/node-server|lowdb|steno)(\/|$)/],
  // Everything else stays a normal import, resolved from node_modules at run time
  // (bundling ws's CommonJS into ESM breaks its require calls).
  external: [/^(?!@hookline\/)[^./]/],
  sourcemap: true,
});
