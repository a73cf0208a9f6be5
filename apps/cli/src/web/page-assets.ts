import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built page: a handful of static files, read once at start (no path from a request reaches the disk). */
export type PageAssets = ReadonlyMap<string, { body: Uint8Array; type: string }>;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** The page is a few files of tens of KiB; anything past these is not ours. */
const MAX_FILES = 32;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Where the build puts the page: `dist/web/` beside the bundled CLI, which is
 * also where a run from source (tests, tsx) finds it after `npm run build`.
 */
export function defaultAssetsDir(): string {
  const fromBundle = import.meta.url.endsWith('.js');
  return fileURLToPath(new URL(fromBundle ? './web/' : '../../dist/web/', import.meta.url));
}

/** The page's files by URL path (`/` for index.html); empty when the page was not built. */
export async function loadPageAssets(dir: string): Promise<PageAssets> {
  const assets = new Map<string, { body: Uint8Array; type: string }>();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.slice(0, MAX_FILES)) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = await readFile(join(dir, name));
    if (body.length > MAX_FILE_BYTES) continue;
    assets.set(name === 'index.html' ? '/' : `/${name}`, { body, type });
  }
  return assets;
}
