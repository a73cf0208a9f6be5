#!/usr/bin/env node
// Every repository path docs/architecture.md names must exist: the document is the
// map a newcomer follows, and a move that forgets it leaves a dead end.
//
// Checked: paths starting with one of ROOTS (`packages/relay/src/routing.ts`,
// `apps/cli/src/tui/`, `packages/client/src/hostile-{framing,flow}.e2e.test.ts`).
// Not checked: paths relative to a section (`store/queue-database.ts`, `src/index.ts`)
// and globs (`packages/*`). When files move (say `packages/relay/src/cluster/` into a
// package of its own), update the document; this prints every line that still names
// the old place. GENERATED lists what a build makes, absent from a fresh clone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = ['docs/architecture.md'];
const ROOTS = ['packages/', 'apps/', 'bench/', 'deploy/', '.ci/'];
const GENERATED = ['apps/cli/dist', 'apps/relay/dist'];

/** `a-{b,c}.ts` → `a-b.ts`, `a-c.ts` (one level, as the document writes them). */
function expandBraces(path) {
  const match = /\{([^{}]*)\}/.exec(path);
  if (!match) return [path];
  return match[1]
    .split(',')
    .flatMap((part) => expandBraces(path.slice(0, match.index) + part + path.slice(match.index + match[0].length)));
}

const starts = ROOTS.map((root) => root.replace('.', '\\.')).join('|');
const pathPattern = new RegExp(`(?<![\\w./-])(?:${starts})[\\w./{},*-]*`, 'g');

let missing = 0;
let checked = 0;
for (const doc of DOCS) {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  lines.forEach((line, index) => {
    for (const [found] of line.matchAll(pathPattern)) {
      const path = found.replace(/[.,:]+$/, '');
      if (path.includes('*') || GENERATED.some((generated) => path.startsWith(generated))) continue;
      for (const one of expandBraces(path)) {
        checked += 1;
        if (existsSync(join(ROOT, one))) continue;
        missing += 1;
        console.error(`${doc}:${index + 1}: names ${one}, which does not exist`);
      }
    }
  });
}
if (missing > 0) {
  console.error(`${missing} of ${checked} paths in ${DOCS.join(', ')} do not exist: update the document`);
  process.exit(1);
}
console.log(`doc paths: ${checked} paths in ${DOCS.join(', ')} exist`);
