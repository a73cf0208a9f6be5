import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { hookline: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  splitting: true,
  // Internal packages export TypeScript source: inline them into the bundle.
  noExternal: [/^@hookline\//],
  // Everything else stays a normal import, resolved from node_modules at run time
  // (bundling ws's CommonJS into ESM breaks its require calls).
  external: [/^(?!@hookline\/)[^./]/],
  sourcemap: true,
});
