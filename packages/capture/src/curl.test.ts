import { execFile } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { shellQuote, toCurl } from './curl.js';
import { makeDraft } from './test-support/make-draft.js';
import { type RecordingOrigin, startRecordingOrigin } from './test-support/recording-origin.js';

let target: RecordingOrigin | null = null;

afterEach(async () => {
  await target?.close();
  target = null;
});

/** Run the command in a real POSIX shell (curl is on the machine) and wait for it. */
function sh(command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', `${command} --silent --show-error --output /dev/null`], { timeout: 10_000 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

describe('shellQuote', () => {
  it('single-quotes and escapes embedded quotes', () => {
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
  });
});

describe('toCurl', () => {
  it('renders a text request with method, URL, headers and --data-raw', () => {
    const record = {
      id: '1',
      ...makeDraft({
        method: 'PUT',
        path: '/a?b=1',
        headers: ['Content-Type', 'text/plain', 'Content-Length', '2', 'Connection', 'close'],
        body: 'hi',
      }),
    };
    expect(toCurl(record, 'http://localhost:3000')).toBe(
      `curl -X PUT 'http://localhost:3000/a?b=1' -H 'Content-Type: text/plain' --data-raw 'hi'`,
    );
  });

  it('leaves out -X for a plain GET', () => {
    const record = { id: '1', ...makeDraft({ method: 'GET', headers: [], body: '' }) };
    expect(toCurl(record, 'http://localhost:3000')).toBe(`curl 'http://localhost:3000/hooks'`);
  });

  it('produces a command that sends a text body with quotes and newlines exactly', async () => {
    target = await startRecordingOrigin();
    const body = `{"it's":"line1\\nline2"}\n$HOME \`x\` \\ %s`;
    await sh(toCurl({ id: '1', ...makeDraft({ body }) }, target.url));
    expect(target.received[0]?.body.toString()).toBe(body);
    expect(target.received[0]?.headers['content-type']).toBe('application/json');
  });

  it('produces a command that sends a gzip + binary body byte-exact (NUL included)', async () => {
    target = await startRecordingOrigin();
    const body = Buffer.concat([gzipSync(Buffer.from('hello hello hello')), Buffer.from([0, 37, 92, 39, 10, 255])]);
    const record = { id: '1', ...makeDraft({ headers: ['Content-Encoding', 'gzip'], body }) };
    await sh(toCurl(record, target.url));
    expect(target.received[0]?.body.equals(body)).toBe(true);
    expect(target.received[0]?.method).toBe('POST');
  });
});
