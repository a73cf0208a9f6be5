#!/usr/bin/env node
// Committed shim: npm links a workspace bin only if its file exists at install
// time, and a fresh clone has no dist/. Run the build when present, else the
// TypeScript source through tsx (a dev dependency of the workspace).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'hookline.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'main.ts')).href);
}
