import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectTunnel, type Tunnel } from '@hookline/client';
import { type Origin, startOrigin } from '@hookline/testing';
import { build } from 'tsup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import config from '../tsup.config.js';
import { killServices, startService } from './test-support/service-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const repoNodeModules = fileURLToPath(new URL('../../../node_modules', import.meta.url));

/**
 * The packages the Dockerfile copies beside the bundle (the native SQLite addon and
 * what loads it), read from its COPY lines so this test runs exactly that layout.
 */
function imageNodeModules(): string[] {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const copied = [
    ...dockerfile.matchAll(/^COPY --from=build \/src\/node_modules\/(\S+?)\/ \/app\/node_modules\/\1\/$/gm),
  ];
  return copied.map((match) => match[1] as string);
}

/** What the container image runs: the bundled files, no tsx, only the node_modules the image copies. */
describe('the bundled service (the Docker image entry)', () => {
  let out: string;
  let origin: Origin | undefined;
  let tunnel: Tunnel | undefined;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'hookline-bundle-'));
    const options = Array.isArray(config) ? config[0] : config;
    await build({
      ...options,
      entry: { main: join(root, 'src/main.ts'), healthcheck: join(root, 'src/healthcheck.ts') },
      outDir: out,
      sourcemap: false,
      silent: true,
    });
    const modules = imageNodeModules();
    expect(modules).toContain('better-sqlite3');
    for (const name of modules)
      cpSync(join(repoNodeModules, name), join(out, 'node_modules', name), { recursive: true });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  afterEach(async () => {
    await tunnel?.close();
    await origin?.close();
    await killServices();
  });

  const healthcheck = (env: Record<string, string>) =>
    spawnSync(process.execPath, [join(out, 'healthcheck.js')], {
      cwd: out,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });

  it('runs, forwards through a tunnel, passes its healthcheck and stops on SIGTERM', async () => {
    const args = ['--metrics-token', 'bundle-metrics-token-0123', '--data-dir', join(out, 'data')];
    const service = await startService(args, {}, join(out, 'main.js'));
    // The queue database's writer thread runs from the bundle too: readyz commits a probe through it.
    const ready = await fetch(`${service.url}/_hookline/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok' } });
    origin = await startOrigin((_req, res) => res.end('bundled'));
    tunnel = await connectTunnel({ relay: service.url, target: origin.port, name: 'bundled', reconnect: false });
    const response = await fetch(`${service.url}/t/bundled/`);
    expect(await response.text()).toBe('bundled');

    const healthy = healthcheck({ HOOKLINE_PORT: String(service.port) });
    expect(healthy.status).toBe(0);

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.logs.some((line) => line.msg === 'exchange' && line.tunnel === 'bundled')).toBe(true);

    const down = healthcheck({ HOOKLINE_PORT: String(service.port) });
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(
      /^hookline-relay healthcheck: http:\/\/127\.0\.0\.1:\d+\/_hookline\/healthz: connect ECONNREFUSED/,
    );
  });
});
