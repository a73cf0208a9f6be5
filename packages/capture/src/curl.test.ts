import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { wholeBody } from './body.js';
import { shellQuote, toCurl } from './curl.js';
import { makeDraft } from './test-support/make-draft.js';
import { type RecordingOrigin, startRecordingOrigin } from './test-support/recording-origin.js';
import { tempDir } from './test-support/temp-dir.js';
import type { CaptureRecord } from './types.js';

let target: RecordingOrigin | null = null;

afterEach(async () => {
  await target?.close();
  target = null;
});

/**
 * Run the command in a real shell (curl is on the machine) as a script file, as a
 * user would paste or save it (`sh -c` would put a large body back in argv).
 */
async function run(command: string, shell = 'bash'): Promise<void> {
  const dir = await tempDir('hookline-curl-');
  try {
    await writeFile(join(dir.path, 'send.sh'), `${command}\n`);
    await new Promise<void>((resolve, reject) => {
      execFile(shell, ['send.sh'], { cwd: dir.path, timeout: 20_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(),
      );
    });
  } finally {
    await dir.remove();
  }
}

function record(init: Parameters<typeof makeDraft>[0]): CaptureRecord {
  return { id: '7', ...makeDraft(init) };
}

/** What the origin saw: exactly the captured headers (curl adding none of its own) and body. */
async function sendAndReceive(captured: CaptureRecord, shell = 'bash') {
  await target?.close();
  target = await startRecordingOrigin();
  await run(toCurl(captured, target.url), shell);
  expect(target.received).toHaveLength(1);
  const seen = target.received[0];
  if (!seen) throw new Error('nothing arrived');
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < seen.rawHeaders.length; i += 2)
    pairs.push([seen.rawHeaders[i] as string, seen.rawHeaders[i + 1] as string]);
  return { ...seen, pairs };
}

function pairsOf(headers: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([headers[i] as string, headers[i + 1] as string]);
  return pairs;
}

const withoutLength = (pairs: Array<[string, string]>) =>
  pairs.filter(([name]) => name.toLowerCase() !== 'content-length');

describe('shellQuote', () => {
  it('single-quotes and escapes embedded quotes', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
  });
});

describe('toCurl', () => {
  it('renders small text inline with method, URL and headers, and stops curl adding its own', () => {
    const captured = record({
      method: 'PUT',
      path: '/a?b=1',
      headers: ['Content-Type', 'text/plain', 'Content-Length', '2', 'Connection', 'close'],
      body: 'hi',
    });
    expect(toCurl(captured, 'http://localhost:3000')).toBe(
      `curl -X PUT 'http://localhost:3000/a?b=1' -H 'Content-Type: text/plain' -H 'User-Agent:' -H 'Accept:' -H 'Expect:' --data-raw 'hi'`,
    );
  });

  it('leaves out -X for a plain GET', () => {
    const captured = record({ method: 'GET', headers: ['User-Agent', 'x', 'Accept', '*/*'], body: '' });
    expect(toCurl(captured, 'http://localhost:3000')).toBe(
      `curl 'http://localhost:3000/hooks' -H 'User-Agent: x' -H 'Accept: */*'`,
    );
  });

  it('puts anything but small text in a quoted base64 here-doc', () => {
    const command = toCurl(record({ body: Buffer.from([0, 1, 2]) }), 'http://localhost:3000');
    expect(command).toMatch(
      /^base64 -d <<'HOOKLINE_BODY' \| curl 'http:\/\/localhost:3000\/hooks' .* --data-binary @-\n/,
    );
    expect(command.split('\n').slice(1)).toEqual(['AAEC', 'HOOKLINE_BODY']);
  });

  it('sends a text body with quotes, newlines and shell syntax exactly', async () => {
    const body = `{"it's":"line1\\nline2"}\n$HOME \`x\` \\ %s`;
    const seen = await sendAndReceive(record({ body }));
    expect(seen.body.toString()).toBe(body);
    expect(seen.headers['content-type']).toBe('application/json');
  });

  it('sends a multipart body (starting with --, CRLF, a binary part) byte-exact', async () => {
    const boundary = 'hookline-b0undary';
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n`),
      every,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const headers = ['Host', 'demo.localhost:4747', 'Content-Type', `multipart/form-data; boundary=${boundary}`];
    const seen = await sendAndReceive(record({ headers, body }));
    expect(seen.body.equals(body)).toBe(true);
    expect(withoutLength(seen.pairs)).toEqual(pairsOf(headers));
    expect(seen.headers['content-length']).toBe(String(body.length));
  });

  it('sends every byte value (NUL included) with no header curl would add', async () => {
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const headers = ['Host', 'demo.localhost:4747', 'X-Empty', '', 'X-Twice', '1', 'x-twice', '2'];
    for (const shell of ['bash', 'sh']) {
      const seen = await sendAndReceive(record({ method: 'PUT', headers, body }), shell);
      expect(seen.method).toBe('PUT');
      expect(seen.body.equals(body)).toBe(true);
      // No Content-Type, User-Agent or Accept of curl's own; the empty header arrives empty.
      expect(withoutLength(seen.pairs)).toEqual(pairsOf(headers));
    }
  });

  it('sends a 2 MiB text body (over the argument limit) exactly, without Expect: 100-continue', async () => {
    const line = `${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3)}\n`;
    const body = Buffer.from(line.repeat(Math.ceil((2 * 1024 * 1024) / line.length))).subarray(0, 2 * 1024 * 1024);
    const headers = ['Host', 'demo.localhost:4747', 'Content-Type', 'text/plain'];
    const seen = await sendAndReceive(record({ headers, body }));
    expect(seen.body.length).toBe(2 * 1024 * 1024);
    expect(seen.body.equals(body)).toBe(true);
    expect(withoutLength(seen.pairs)).toEqual(pairsOf(headers));
  });

  it('sends a gzip body as is, Content-Encoding kept', async () => {
    const body = gzipSync(Buffer.from('hello hello hello '.repeat(100)));
    const headers = ['Host', 'demo.localhost:4747', 'Content-Encoding', 'gzip', 'Content-Type', 'application/json'];
    const seen = await sendAndReceive(record({ headers, body }));
    expect(seen.body.equals(body)).toBe(true);
    expect(withoutLength(seen.pairs)).toEqual(pairsOf(headers));
  });

  it('keeps the path exactly: brackets, dot segments, a method that needs quoting', async () => {
    const path = '/a/../b/./c?x[0]={y}&z=%20';
    const seen = await sendAndReceive(record({ method: 'GET', path, headers: [], body: '' }));
    expect(seen.url).toBe(path);
    const head = await sendAndReceive(record({ method: 'HEAD', headers: [], body: '' }));
    expect(head.method).toBe('HEAD');
  });

  it('refuses a truncated capture (E_CAPTURE_TRUNCATED)', () => {
    const captured = record({ body: 'abc' });
    captured.request.body = { ...wholeBody(Buffer.from('abc')), size: 10, truncated: true };
    expect(() => toCurl(captured)).toThrow(
      expect.objectContaining({
        code: 'E_CAPTURE_TRUNCATED',
        message: 'capture 7 kept only 3 of its 10 body bytes; it cannot be exported as a byte-exact curl command',
      }),
    );
  });
});
