/**
 * The one vitest config: a project per package with tests.
 *
 * `npx vitest run` in a package's directory (what `npm test` runs there, through
 * turbo) finds this file by walking up and runs that package's project only;
 * anywhere else (the root) it runs them all, and `--project packages/client` picks one.
 */
import { resolve, sep } from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const ROOT = import.meta.dirname;

/** Test timeouts: the apps spawn built programs and relays, which take longer on a busy machine. */
const PACKAGES: Record<string, { testTimeout: number; hookTimeout?: number }> = {
  'packages/capture': { testTimeout: 30_000 },
  'packages/cluster': { testTimeout: 30_000 },
  'packages/client': { testTimeout: 30_000 },
  'packages/protocol': { testTimeout: 30_000 },
  'packages/relay': { testTimeout: 30_000 },
  'packages/signatures': { testTimeout: 30_000 },
  'apps/cli': { testTimeout: 60_000 },
  'apps/relay': { testTimeout: 60_000, hookTimeout: 60_000 },
};

const projects: TestProjectInlineConfiguration[] = Object.entries(PACKAGES).map(([dir, timeouts]) => ({
  test: { name: dir, root: resolve(ROOT, dir), include: ['src/**/*.test.ts'], ...timeouts },
}));

const cwd = process.cwd();
/** Run from inside a package: its project only. */
const here = projects.filter(({ test }) => test?.root && (cwd === test.root || cwd.startsWith(`${test.root}${sep}`)));

export default defineConfig({ test: { projects: here.length > 0 ? here : projects } });
