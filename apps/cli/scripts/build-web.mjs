// Builds the web inspector's page (apps/cli/web) into dist/web: static files the
// CLI serves, with nothing fetched at run time (no CDN: it works offline).
// Run after tsup, whose `clean` empties dist/.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(app, 'dist', 'web');
await mkdir(out, { recursive: true });
await build({
  entryPoints: { inspector: join(app, 'web', 'src', 'main.tsx') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'chrome110',
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(join(app, 'web', 'index.html'), join(out, 'index.html'));
