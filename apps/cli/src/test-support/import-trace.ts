/** Record every module a CLI run loads, to prove Ink and React stay unloaded. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Write a `--import` preload into `dir` that logs each resolved module URL to
 * `<dir>/imports.log`; returns the NODE_OPTIONS that load it in a child.
 */
export function importTrace(dir: string): { nodeOptions: string; log: string } {
  const log = join(dir, 'imports.log');
  const hooks = join(dir, 'trace-hooks.mjs');
  const preload = join(dir, 'trace-preload.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');
  return result;
}
`,
  );
  writeFileSync(
    preload,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(log, '');
  return { nodeOptions: `--import ${pathToFileURL(preload).href}`, log };
}

/**
 * The chunks of the built CLI whose code contains `marker` (a dynamic import's
 * chunk is named after its file, `src-<hash>.js` for a package's index, so a
 * chunk is found by what it holds).
 */
export function builtChunksContaining(marker: string): string[] {
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  return readdirSync(dist).filter(
    (file) => file.endsWith('.js') && readFileSync(join(dist, file), 'utf8').includes(marker),
  );
}

/** The cluster code's chunk, which only cluster mode may load. */
export const CLUSTER_CHUNK_MARKER = 'new RedisCluster(';
