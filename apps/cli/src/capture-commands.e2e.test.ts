import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import {
  type CliProcess,
  ensureCliBuilt,
  isolatedEnv,
  runCli,
  spawnCli,
  startHttpCli,
  stopAllCli,
} from './test-support/cli-process.js';
import { harValidator } from './test-support/har-validator.js';
import { builtChunksContaining, CLUSTER_CHUNK_MARKER, importTrace } from './test-support/import-trace.js';

const STACK_FRAME = /^\s+at /m;

let dir = '';
let dataDir = '';
const origins: BytesOrigin[] = [];

beforeAll(ensureCliBuilt, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-capture-e2e-'));
  dataDir = join(dir, 'data');
});

afterEach(async () => {
  await stopAllCli();
  await Promise.all(origins.splice(0).map((origin) => origin.close()));
  await rm(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}) {
  return isolatedEnv(dir, { HOOKLINE_DATA_DIR: dataDir, ...extra });
}

function run(args: string[], extra: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env: env(extra) });
}

async function origin(): Promise<BytesOrigin> {
  const started = await startBytesOrigin();
  origins.push(started);
  return started;
}

/** `hookline http --no-tui` on an embedded relay; the /t/<name> URL reached via 127.0.0.1. */
function startHttp(target: BytesOrigin, args: string[] = []): Promise<{ proc: CliProcess; base: string }> {
  return startHttpCli(target.port, 'cap', { cwd: dir, env: env(), args });
}

/** Every byte value, gzip-compressed: any re-encoding on the way shows up. */
function gzipBinary(): Buffer {
  const raw = Buffer.alloc(8192);
  for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 31) % 256;
  return gzipSync(raw);
}

/** Run a generated command the way a user would save and run it: a script file for bash. */
async function runScript(command: string): Promise<void> {
  const script = join(dir, `run-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(script, command);
  await new Promise<void>((resolve, reject) =>
    execFile('bash', [script], { timeout: 20_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
    ),
  );
}

/** An editor script for `replay --edit`: the body runs with the file as $1. */
async function editorScript(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.sh`);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

interface Summary {
  id: string;
  method: string;
  path: string;
  status: number | null;
  origin: string;
  replayOf: string | null;
  requestBytes: number;
}

async function requestsJson(args: string[] = []): Promise<Summary[]> {
  const result = await run(['requests', '--json', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Summary[];
}

/** Wait until `hookline requests` lists `count` captures (writes are batched). */
async function waitForCaptures(count: number): Promise<Summary[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const list = await requestsJson();
    if (list.length >= count) return list;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} captures listed`);
}

describe('hookline requests / replay / export (with hookline http running)', () => {
  it('lists captures through the running http, newest first, with filters and limits', async () => {
    const target = await origin();
    const http = await startHttp(target);
    await sendBytes(`${http.base}/hooks/a`, 'POST', { 'content-type': 'application/json' }, Buffer.from('{"a":1}'));
    await sendBytes(`${http.base}/fail/b`, 'GET', {}, Buffer.alloc(0));
    const list = await waitForCaptures(2);
    expect(list.map((s) => [s.method, s.path, s.status])).toEqual([
      ['GET', '/fail/b', 500],
      ['POST', '/hooks/a', 200],
    ]);
    expect((await requestsJson(['--filter', 'status:5xx'])).map((s) => s.path)).toEqual(['/fail/b']);
    expect(await requestsJson(['--limit', '1'])).toHaveLength(1);
    const table = await run(['requests']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TIME\s+METHOD\s+PATH/);
    expect(table.stdout).toMatch(/\n2\s+\d\d:\d\d:\d\d\s+GET\s+\/fail\/b\s+500/);
  });

  it('replays a gzip + binary body byte-identical, recorded as a new capture linked to the original', async () => {
    const target = await origin();
    const http = await startHttp(target);
    const body = gzipBinary();
    const headers = { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'x-sig': 's1' };
    expect(await sendBytes(`${http.base}/upload`, 'PUT', headers, body)).toBe(200);
    const [original] = await waitForCaptures(1);
    const replay = await run(['replay', original?.id ?? '']);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(/^replayed 1 as 2: 200 OK in \d+ ms\n$/);
    expect(target.received).toHaveLength(2);
    expect(target.received[1]?.body.equals(body)).toBe(true);
    expect(target.received[1]?.headers).toMatchObject({
      'content-encoding': 'gzip',
      'x-sig': 's1',
      'content-length': String(body.length),
    });
    const [latest] = await requestsJson();
    expect(latest).toMatchObject({
      id: '2',
      origin: 'replay',
      replayOf: '1',
      method: 'PUT',
      requestBytes: body.length,
    });
  });

  it('replays to --target, and edits in $EDITOR keeping the unedited body byte-exact', async () => {
    const target = await origin();
    const other = await origin();
    const http = await startHttp(target);
    const body = gzipBinary();
    await sendBytes(`${http.base}/edit`, 'POST', { 'content-encoding': 'gzip', 'x-mode': 'live' }, body);
    await waitForCaptures(1);
    expect((await run(['replay', '1', '--target', other.url])).code).toBe(0);
    expect(other.received[0]?.body.equals(body)).toBe(true);

    const editor = join(dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^x-mode: live$/x-mode: edited/" "$1"\n');
    await chmod(editor, 0o755);
    const edited = await run(['replay', '1', '--edit'], { EDITOR: editor });
    expect(edited.code).toBe(0);
    const seen = target.received.at(-1);
    expect(seen?.headers['x-mode']).toBe('edited');
    expect(seen?.body.equals(body)).toBe(true);
  });

  it('exports valid HAR 1.2 (binary bodies base64) and a curl command that re-sends byte-exact', async () => {
    const target = await origin();
    const http = await startHttp(target);
    const binary = gzipBinary();
    await sendBytes(`${http.base}/json?x=1`, 'POST', { 'content-type': 'application/json' }, Buffer.from('{"a":1}'));
    await sendBytes(`${http.base}/bin`, 'POST', { 'content-encoding': 'gzip' }, binary);
    await waitForCaptures(2);

    const har = await run(['export', '--har', 'out.har']);
    expect(har.stdout).toMatch(/^wrote 2 exchanges to .*out\.har\n$/);
    const document = JSON.parse(readFileSync(join(dir, 'out.har'), 'utf8'));
    const validate = harValidator();
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const [json, bin] = document.log.entries;
    expect(json.request.postData).toEqual({ mimeType: 'application/json', text: '{"a":1}' });
    expect(json.request.queryString).toEqual([{ name: 'x', value: '1' }]);
    expect(Buffer.from(bin.request.postData.text, 'base64').equals(binary)).toBe(true);
    expect(bin.request.postData._encoding).toBe('base64');

    const filtered = await run(['export', '--har', 'bin.har', '--filter', 'path:/bin']);
    expect(filtered.stdout).toMatch(/^wrote 1 exchange to /);

    const curl = await run(['export', '--curl', '2']);
    expect(curl.stdout).toMatch(/^base64 -d <<'HOOKLINE_BODY' \| curl /);
    await runScript(curl.stdout);
    expect(target.received.at(-1)?.body.equals(binary)).toBe(true);
  });

  it('a second hookline http on the same data dir keeps its captures in memory and says so', async () => {
    const target = await origin();
    await startHttp(target);
    const second = spawnCli(['http', String(target.port), '--no-tui', '--name', 'two'], { cwd: dir, env: env() });
    await second.waitForLine(
      'stderr',
      /captures: .* is in use by hookline \(pid \d+\); this session keeps its captures in memory/,
    );
    await second.waitForLine('stdout', /^Forwarding /);
  });
});

describe('hookline export / replay --edit are exact (with hookline http running)', () => {
  const boundary = '----hookline-form-1';
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const multipart = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n`),
    everyByte,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const line = `${'the quick brown fox jumps over the lazy dog '.repeat(2)}\n`;
  /** Over Linux's 128 KiB argument limit, under the 1 MiB a capture keeps. */
  const bigText = Buffer.from(line.repeat(Math.ceil(900_000 / line.length)));

  it('export --curl re-sends multipart, every byte value, gzip and 900 KB of text byte-exact, headers as sent', async () => {
    const target = await origin();
    const http = await startHttp(target);
    const sent: Array<{ path: string; headers: Record<string, string>; body: Buffer }> = [
      { path: '/form', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: multipart },
      { path: '/bytes', headers: { 'x-sig': 's1' }, body: everyByte },
      { path: '/gz', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipBinary() },
      { path: '/text', headers: { 'content-type': 'text/plain' }, body: bigText },
    ];
    for (const { path, headers, body } of sent) {
      expect(await sendBytes(`${http.base}${path}`, 'PUT', headers, body)).toBe(200);
    }
    const captures = (await waitForCaptures(sent.length)).reverse();
    for (const [i, { path, headers, body }] of sent.entries()) {
      const curl = await run(['export', '--curl', captures[i]?.id ?? '']);
      expect(curl.stderr).toBe('');
      await runScript(curl.stdout);
      const seen = target.received.at(-1);
      expect(seen?.url).toBe(path);
      expect(seen?.method).toBe('PUT');
      expect(seen?.body.length, path).toBe(body.length);
      expect(seen?.body.equals(body), path).toBe(true);
      // What the caller sent and nothing of curl's own (no User-Agent, Accept, Expect).
      expect(seen?.headers).toEqual({
        host: new URL(http.base).host,
        ...headers,
        'content-length': String(body.length),
      });
    }
  });

  it('a truncated capture is refused by export --curl and replay alike (E_CAPTURE_TRUNCATED)', async () => {
    const target = await origin();
    const http = await startHttp(target);
    const twoMiB = Buffer.from(line.repeat(Math.ceil((2 * 1024 * 1024) / line.length))).subarray(0, 2 * 1024 * 1024);
    expect(await sendBytes(`${http.base}/big`, 'POST', { 'content-type': 'text/plain' }, twoMiB)).toBe(200);
    await waitForCaptures(1);
    for (const [args, what] of [
      [['export', '--curl', '1'], 'it cannot be exported as a byte-exact curl command'],
      [['replay', '1'], 'it cannot be replayed byte-exact'],
      [['export', '--fixture', '1'], 'it cannot be a byte-exact fixture'],
    ] as const) {
      const result = await run([...args]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `hookline: capture 1 kept only 1048576 of its 2097152 body bytes; ${what} (E_CAPTURE_TRUNCATED)\n`,
      );
    }
    expect(target.received).toHaveLength(1);
  });

  it('export --har - prints valid HAR whose URL keeps the /t/<name> public path', async () => {
    const target = await origin();
    const http = await startHttp(target);
    await sendBytes(
      `${http.base}/webhooks/stripe?x=1`,
      'POST',
      { 'content-type': 'application/json' },
      Buffer.from('{}'),
    );
    await waitForCaptures(1);
    const har = await run(['export', '--har', '-']);
    expect(har.code).toBe(0);
    expect(har.stderr).toBe('');
    const document = JSON.parse(har.stdout);
    const validate = harValidator();
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.log.entries[0].request.url).toBe(`${http.base}/webhooks/stripe?x=1`);
    expect(new URL(http.base).pathname).toBe('/t/cap');
    expect(target.received[0]?.url).toBe('/webhooks/stripe?x=1');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('replay --edit: a failing editor or an unchanged file cancels, a bad line is refused; only a real edit is sent', async () => {
    const target = await origin();
    const http = await startHttp(target);
    await sendBytes(
      `${http.base}/edit`,
      'POST',
      { 'content-type': 'application/json', 'x-mode': 'live' },
      Buffer.from('{"a":1}'),
    );
    await waitForCaptures(1);
    const refusals: Array<[string, string, RegExp]> = [
      ['fail', 'exit 1', /^hookline: editor ".*fail\.sh" exited with 1; nothing was replayed \(E_EDIT_CANCELLED\)$/],
      ['untouched', 'exit 0', /^hookline: the request was left unchanged; nothing was replayed \(E_EDIT_CANCELLED\)$/],
      [
        'resaved',
        'cp "$1" "$1.copy" && cat "$1.copy" > "$1"',
        /left unchanged; nothing was replayed \(E_EDIT_CANCELLED\)$/,
      ],
      [
        'method',
        `sed -i '1s/^POST/PO(ST/' "$1"`,
        /^hookline: line 1: "PO\(ST" is not an HTTP method .*; nothing was replayed \(E_BAD_EDIT\)$/,
      ],
      [
        'header',
        `sed -i '2a this is not a header' "$1"`,
        /^hookline: line 3: not a header line: "this is not a header" \(expected "Name: value"\); nothing was replayed \(E_BAD_EDIT\)$/,
      ],
    ];
    for (const [name, body, message] of refusals) {
      const result = await run(['replay', '1', '--edit'], { EDITOR: await editorScript(name, body) });
      expect(result.code, name).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
    expect(target.received).toHaveLength(1);
    expect(await requestsJson()).toHaveLength(1);

    const editor = await editorScript('real', `sed -i -e 's/^x-mode: live$/x-mode: edited/' -e 's/"a":1/"a":22/' "$1"`);
    const edited = await run(['replay', '1', '--edit'], { EDITOR: editor });
    expect(edited.stderr).toBe('');
    expect(edited.code).toBe(0);
    const seen = target.received.at(-1);
    expect(seen?.headers['x-mode']).toBe('edited');
    expect(seen?.headers['content-length']).toBe('8');
    expect(seen?.body.toString()).toBe('{"a":22}');
  });
});

describe('hookline requests / replay / export (no hookline http running)', () => {
  async function recordOne(path: string, body: Buffer): Promise<BytesOrigin> {
    const target = await origin();
    const http = await startHttp(target);
    await sendBytes(`${http.base}${path}`, 'POST', { 'content-encoding': 'gzip' }, body);
    await waitForCaptures(1);
    expect(await http.proc.stop()).toEqual({ code: 0, signal: null });
    expect(readdirSync(dataDir)).toEqual(['captures.db']); // the lock is gone, the WAL checkpointed
    return target;
  }

  it('reads the store file and replays from it (history survives the restart)', async () => {
    const body = gzipBinary();
    const target = await recordOne('/later', body);
    expect((await requestsJson()).map((s) => s.path)).toEqual(['/later']);
    const replay = await run(['replay', '1']);
    expect(replay.stdout).toMatch(/^replayed 1 as 2: 200 OK/);
    expect(target.received[1]?.body.equals(body)).toBe(true);
    expect((await requestsJson()).map((s) => [s.id, s.origin])).toEqual([
      ['2', 'replay'],
      ['1', 'live'],
    ]);
    // No lock left behind; a read-only reader may leave SQLite's -wal/-shm beside the database.
    expect(readdirSync(dataDir).filter((name) => !/^captures\.db(-wal|-shm)?$/.test(name))).toEqual([]);
  });

  it('exits 1 with one line for an unknown id, a missing export mode or a bad limit', async () => {
    await recordOne('/x', Buffer.from('x'));
    for (const [args, message] of [
      [['replay', '42'], /^hookline: no capture with id 42 in /],
      [['export'], /^hookline: export needs exactly one of --har <file>, --curl <id> or --fixture <id>$/],
      [['requests', '--limit', 'many'], /^hookline: --limit must be a whole number/],
      [['requests', '--limit', '0'], /^hookline: --limit must be a whole number of at least 1, not "0"$/],
      [['replay', '1', '--target', 'ftp://x'], /^hookline: target must be http or https/],
    ] as const) {
      const result = await run([...args]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
      expect(result.stderr).not.toMatch(STACK_FRAME);
    }
  });

  it('a corrupt store: readers warn and show nothing; http moves it aside and starts fresh', async () => {
    await recordOne('/x', Buffer.from('x'));
    writeFileSync(join(dataDir, 'captures.db'), 'not a database, '.repeat(64));
    const list = await run(['requests', '--json']);
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('[]\n');
    expect(list.stderr).toMatch(/capture store .* is unreadable/);
    const target = await origin();
    const http = await startHttp(target);
    await http.proc.waitForLine('stderr', /moved it to .*captures\.db\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(readdirSync(dataDir).some((name) => name.startsWith('captures.db.corrupt-'))).toBe(true);
  });

  it('an old captures.json is imported once by the first command that reads it, then kept as .migrated', async () => {
    mkdirSync(dataDir, { recursive: true });
    const old = {
      id: '41',
      tunnel: 'demo',
      origin: 'live',
      replayOf: null,
      target: 'http://127.0.0.1:3000/',
      startedAt: Date.UTC(2025, 0, 2),
      request: {
        method: 'POST',
        path: '/from-lowdb',
        headers: ['Content-Type', 'text/plain'],
        body: { data: Buffer.from('old').toString('base64'), size: 3, truncated: false },
        remoteAddress: '127.0.0.1',
        protocol: 'http',
        host: 'demo.localhost',
      },
      response: null,
      timings: { waitMs: null, totalMs: 1 },
      error: { code: 'E_LOCAL_REFUSED', message: 'refused' },
    };
    writeFileSync(join(dataDir, 'captures.json'), JSON.stringify({ version: 1, nextId: 42, captures: [old] }));
    const list = await run(['requests', '--json']);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: string; path: string }>).map((s) => [s.id, s.path])).toEqual([
      ['41', '/from-lowdb'],
    ]);
    expect(readdirSync(dataDir).sort()).toEqual(['captures.db', 'captures.json.migrated']);
    expect((await run(['requests', '--json'])).stdout).toContain('/from-lowdb');
  });
});

describe('hookline (lazy Ink)', () => {
  it('--version, requests --json, relay and http --no-tui never load Ink or React', async () => {
    const target = await origin();
    const trace = importTrace(dir);
    const traced = env({ NODE_OPTIONS: trace.nodeOptions });
    expect((await runCli(['--version'], { cwd: dir, env: traced })).code).toBe(0);
    expect((await runCli(['requests', '--json'], { cwd: dir, env: traced })).code).toBe(0);
    const relay = spawnCli(['relay', '--port', '0', '--host', '127.0.0.1'], { cwd: dir, env: traced });
    await relay.waitForLine('stdout', /listening/);
    await relay.stop();
    const http = spawnCli(['http', String(target.port), '--no-tui'], { cwd: dir, env: traced });
    await http.waitForLine('stdout', /^Forwarding /);
    await http.stop();
    const loaded = readFileSync(trace.log, 'utf8');
    expect(loaded).toContain('/dist/hookline.js');
    expect(loaded).toMatch(/capture-session-\w+\.js/); // dynamic chunks are traced too
    // Ink is bundled into the inspector's chunk (open-inspector-*.js); React stays a package.
    expect(loaded).not.toMatch(/open-inspector-\w+\.js|node_modules\/(ink|react)\//);
    // Only a relay in cluster mode loads ioredis, and the cluster code (cluster-commands.e2e.test.ts sees both).
    expect(loaded).not.toMatch(/node_modules\/ioredis\//);
    const clusterChunks = builtChunksContaining(CLUSTER_CHUNK_MARKER);
    expect(clusterChunks).toHaveLength(1);
    for (const chunk of clusterChunks) expect(loaded).not.toContain(`/dist/${chunk}`);
  });
});
