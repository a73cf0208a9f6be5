import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * hadolint cannot be installed here (neither npm nor Debian ship it), so the rules of
 * it this Dockerfile relies on are checked by reading the file: a change that breaks
 * one fails here instead of in someone's linter.
 */
const text = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
/** Instructions with continuation lines joined, comments kept apart. */
const instructions = text
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const named = (keyword: string) => instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `));

describe('apps/relay/Dockerfile (hadolint rules, read by hand)', () => {
  it('pins its base image to a full version, never latest (DL3006, DL3007)', () => {
    const version = /^ARG NODE_VERSION=(\S+)$/m.exec(text)?.[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const from of named('FROM')) {
      expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS \w+$/);
      expect(from).not.toMatch(/latest/);
    }
  });

  it('installs apt packages without recommends and removes the lists in the same RUN (DL3015, DL3009)', () => {
    const apt = named('RUN').filter((run) => run.includes('apt-get install'));
    expect(apt.length).toBeGreaterThan(0);
    for (const run of apt) {
      expect(run).toMatch(/apt-get install -y --no-install-recommends /);
      expect(run).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
    }
  });

  it('pins what npm installs globally (DL3016)', () => {
    for (const run of named('RUN').filter((line) => /npm (install|i) (-g|--global)/.test(line))) {
      expect(run).toMatch(/npm install --global \S+@\d+\.\d+\.\d+/);
    }
  });

  it('has no two RUN instructions in a row (DL3059)', () => {
    instructions.forEach((line, index) => {
      if (line.startsWith('RUN ')) expect(instructions[index + 1]?.startsWith('RUN '), line).toBe(false);
    });
  });

  it('runs as a non-root user, with a HEALTHCHECK and an exec-form entry point (DL3002, DL3025)', () => {
    const runtime = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));
    expect(runtime.filter((line) => line.startsWith('USER ')).at(-1)).toBe('USER node');
    expect(runtime.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('CMD ["node"'))).toBe(true);
    expect(runtime.find((line) => line.startsWith('ENTRYPOINT '))).toMatch(/^ENTRYPOINT \["node", /);
  });
});
