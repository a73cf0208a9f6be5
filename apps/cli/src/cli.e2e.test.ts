import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CliProcess,
  isolatedEnv,
  runCli,
  spawnCli,
  startRelayCli,
  stopAllCli,
} from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')) as { version: string };
/** A stack frame line: user errors must never print one. */
const STACK_FRAME = /^\s+at /m;

let dir = '';
const origins: Origin[] = [];

beforeAll(() => {
  if (!existsSync(join(APP_DIR, 'dist', 'hookline.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: APP_DIR, stdio: 'inherit' });
  }
}, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-cli-e2e-'));
});

afterEach(async () => {
  await stopAllCli();
  await Promise.all(origins.splice(0).map((origin) => origin.close()));
  await rm(dir, { recursive: true, force: true });
});

/** Spawn `hookline …` in the test's temp dir with an isolated env. */
function hookline(args: string[], env: Record<string, string> = {}, cwd = dir): CliProcess {
  return spawnCli(args, { cwd, env: isolatedEnv(dir, env) });
}

function run(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env: isolatedEnv(dir, env) });
}

async function origin(): Promise<Origin> {
  const started = await startOrigin();
  origins.push(started);
  return started;
}

/** `hookline relay` on a free port; its printed URL and the port to reach it on 127.0.0.1. */
async function startRelay(): Promise<{ proc: CliProcess; url: string; port: number }> {
  const { proc, url, port } = await startRelayCli(['--port', '0', '--host', '127.0.0.1', '--domain', 'localhost'], {
    cwd: dir,
    env: isolatedEnv(dir),
  });
  return { proc, url, port };
}

/** `hookline http` with --no-tui; resolves with the URL of its Forwarding line. */
async function startHttp(args: string[], env: Record<string, string> = {}, cwd = dir) {
  const proc = hookline(['http', ...args, '--no-tui'], env, cwd);
  const match = await proc.waitForLine('stdout', /^Forwarding (\S+) -> (\S+)$/);
  return { proc, url: match[1] as string, target: match[2] as string };
}

describe('hookline (usage)', () => {
  it('--version prints the package version', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(PACKAGE.version);
  });

  it('--help lists the http and relay commands', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+http\b/m);
    expect(result.stdout).toMatch(/^\s+relay\b/m);
  });

  it.each([
    ['an unknown command', ['nope'], /unknown command 'nope'/],
    ['an unknown flag', ['http', '3000', '--bogus'], /unknown option '--bogus'/],
    ['a missing argument', ['http'], /missing required argument 'target'/],
  ])('exits 1 on %s with a short message', async (_label, args, message) => {
    const result = await run(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    // The error, at most a "did you mean …?" suggestion, and the --help hint.
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stdout).toBe('');
  });

  it('exits 1 on a bad target port with a clear message', async () => {
    const result = await run(['http', '99999', '--no-tui']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('hookline: port must be 1-65535, got 99999');
  });

  it.each([
    [['http', '0'], /^hookline: port must be 1-65535, got 0$/],
    [['http', '-5'], /^hookline: port must be 1-65535, got -5$/],
    [['http', 'abc'], /^hookline: not a port or URL: "abc" \(give 3000, localhost:3000 or http:\/\/host:port/],
    // The relay's own rule (1-64): once accepted here and then refused as "cannot reach the relay".
    [
      ['http', '3000', '--queue', 'parallel:70', '--token', 't', '--name', 'shop'],
      /^hookline: --queue must be "serial" or "parallel:<n>" \(n 1-64\), not "parallel:70"$/,
    ],
  ])('%j exits 1 with one line and starts nothing', async (args, message) => {
    const result = await run([...args, '--no-tui']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });
});

describe('hookline relay + hookline http', () => {
  it('forwards by path and by host and logs one line per exchange', async () => {
    const target = await origin();
    const relay = await startRelay();
    const health = await send(`http://127.0.0.1:${relay.port}/_hookline/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });

    const http = await startHttp([String(target.port), '--relay', relay.url, '--name', 'demo']);
    expect(http.url).toBe(`http://demo.localhost:${relay.port}`);
    expect(http.target).toMatch(new RegExp(`^http://(localhost|127\\.0\\.0\\.1):${target.port}$`));

    const byPath = await send(`http://127.0.0.1:${relay.port}/t/demo/hello?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"event":"ping"}',
    });
    expect(byPath.status).toBe(200);
    expect(byPath.headers['x-origin']).toBe('yes');
    expect(byPath.body).toBe('origin saw POST /hello?x=1 (16 bytes)');
    expect(target.requests[0]).toMatchObject({ method: 'POST', url: '/hello?x=1' });
    expect(target.requests[0]?.body.toString()).toBe('{"event":"ping"}');

    const byHost = await send(`http://127.0.0.1:${relay.port}/via/host`, {
      method: 'PUT',
      headers: { host: `demo.localhost:${relay.port}` },
      body: 'abc',
    });
    expect(byHost.status).toBe(200);
    expect(byHost.body).toBe('origin saw PUT /via/host (3 bytes)');
    expect(target.requests[1]?.headers.host).toBe(`demo.localhost:${relay.port}`);

    await http.proc.waitForLine('stdout', /\bPOST\s+\/hello\?x=1\s+200\b/);
    await http.proc.waitForLine('stdout', /\bPUT\s+\/via\/host\s+200\b/);
    // Forwarding, the tunnel's other URL right under it, the web inspector, then one line per exchange.
    const lines = http.proc.lines('stdout');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^Forwarding /);
    expect(lines[1]).toBe(`           http://localhost:${relay.port}/t/demo`);
    expect(lines[2]).toMatch(/^Inspector {2}http:\/\/127\.0\.0\.1:\d+\/#[\w-]{43}$/);
    expect(http.proc.output('stderr')).not.toContain('/t/demo');

    // Both shut down cleanly on SIGTERM (the exchanges above prove the handlers are installed).
    expect(await http.proc.stop()).toEqual({ code: 0, signal: null });
    expect(await relay.proc.stop()).toEqual({ code: 0, signal: null });
  });

  it('--json prints a ready line, then one JSON line per exchange', async () => {
    const target = await origin();
    const relay = await startRelay();
    const proc = hookline(['http', String(target.port), '--relay', relay.url, '--name', 'jsondemo', '--json']);
    await proc.waitForLine('stdout', /^\{/);
    const ready = JSON.parse(proc.lines('stdout')[0] as string);
    expect(ready).toMatchObject({ type: 'ready', name: 'jsondemo' });
    expect(ready.urls).toEqual([`http://jsondemo.localhost:${relay.port}`, `${relay.url}/t/jsondemo`]);

    const reply = await send(`http://127.0.0.1:${relay.port}/t/jsondemo/hook`, { method: 'POST', body: 'x' });
    expect(reply.status).toBe(200);
    const line = await proc.waitForLine('stdout', /"type":"exchange"/);
    expect(JSON.parse(line.input)).toMatchObject({ type: 'exchange', method: 'POST', path: '/hook', status: 200 });
    // Nothing but JSON on stdout.
    for (const text of proc.lines('stdout')) expect(() => JSON.parse(text)).not.toThrow();
  });

  it('exits 0 soon after SIGINT', async () => {
    const target = await origin();
    const relay = await startRelay();
    const http = await startHttp([String(target.port), '--relay', relay.url, '--name', 'sigint']);
    // Signal handlers are installed before "Forwarding" is printed: SIGINT right on it is a clean exit.
    http.proc.child.kill('SIGINT');
    const exit = await Promise.race([
      http.proc.exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000)),
    ]);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('refuses a second client on a name in use with E_NAME_IN_USE', async () => {
    const target = await origin();
    const relay = await startRelay();
    await startHttp([String(target.port), '--relay', relay.url, '--name', 'dup']);
    const second = await run(['http', String(target.port), '--relay', relay.url, '--name', 'dup', '--no-tui']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^hookline: the relay refused: tunnel name "dup" is in use .*\(E_NAME_IN_USE\)$/m);
    expect(second.stderr).not.toMatch(STACK_FRAME);
  });
});

describe('hookline http (embedded relay)', () => {
  it('starts a relay in-process when none is set and forwards through it', async () => {
    const target = await origin();
    const http = await startHttp([String(target.port)]);
    expect(http.url).toMatch(/^http:\/\/[a-z0-9-]+\.localhost:\d+$/);
    const pathUrl = await http.proc.waitForLine('stdout', /^\s+(http:\/\/\S+\/t\/[a-z0-9-]+)$/);
    // The printed URL names localhost; reach the same port on 127.0.0.1.
    const { port, pathname } = new URL(pathUrl[1] as string);
    const reply = await send(`http://127.0.0.1:${port}${pathname}/embedded?y=2`, { method: 'POST', body: 'hi' });
    expect(reply.status).toBe(200);
    expect(target.requests[0]).toMatchObject({ method: 'POST', url: '/embedded?y=2' });
    expect(target.requests[0]?.body.toString()).toBe('hi');
  });
});

describe('hookline http (failures)', () => {
  it('exits 1 with E_RELAY_UNREACHABLE when the relay is unreachable', async () => {
    const result = await run(['http', '3000', '--relay', 'http://127.0.0.1:1', '--no-tui']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('E_RELAY_UNREACHABLE');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stdout).toBe('');
  });

  it('prints exactly one stderr line when the relay is unreachable', async () => {
    const result = await run(['http', '3000', '--relay', 'http://127.0.0.1:1', '--no-tui']);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('hookline http (config precedence)', () => {
  it('takes hookline.json from cwd, then HOOKLINE_NAME over it, then --name over both', async () => {
    const target = await origin();
    const relay = await startRelay();
    writeFileSync(join(dir, 'hookline.json'), JSON.stringify({ relay: relay.url, name: 'fromfile' }));
    const [file, env, flag] = await Promise.all([
      startHttp([String(target.port)]),
      startHttp([String(target.port)], { HOOKLINE_NAME: 'fromenv' }),
      startHttp([String(target.port), '--name', 'fromflag'], { HOOKLINE_NAME: 'fromenv2' }),
    ]);
    expect(file.url).toBe(`http://fromfile.localhost:${relay.port}`);
    expect(env.url).toBe(`http://fromenv.localhost:${relay.port}`);
    expect(flag.url).toBe(`http://fromflag.localhost:${relay.port}`);
    // The relay came from the file too: no embedded relay was started.
    for (const proc of [file.proc, env.proc, flag.proc]) expect(proc.output('stderr')).not.toMatch(/embedded/);
  });

  it('exits 1 naming an unknown key in hookline.json', async () => {
    writeFileSync(join(dir, 'hookline.json'), JSON.stringify({ relay: 'http://127.0.0.1:1', naem: 'typo' }));
    const result = await run(['http', '3000', '--no-tui']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^hookline: config \S+hookline\.json: unknown key "naem" \(known: relay, token, name, queue,/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 with a clear message on invalid JSON in hookline.json', async () => {
    writeFileSync(join(dir, 'hookline.json'), '{ "relay": ');
    const result = await run(['http', '3000', '--no-tui']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hookline: config \S+hookline\.json is not valid JSON/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(STACK_FRAME);
  });
});
