/** Record every module a CLI run loads, to prove Ink and React stay unloaded. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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
