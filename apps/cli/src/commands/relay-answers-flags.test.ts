import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOfflineResponse, resolveRelayAnswers } from './relay-answers-flags.js';

describe('relay answer flags', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-answers-flags-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a status alone, or status, body file, type and headers', () => {
    expect(parseOfflineResponse('202', dir)).toEqual({ status: 202, headers: [], body: Buffer.alloc(0) });
    writeFileSync(join(dir, 'reply.json'), '{"ok":1}');
    expect(parseOfflineResponse('status=200,body=reply.json,header=X-A: b: c', dir)).toEqual({
      status: 200,
      headers: ['content-type', 'application/json', 'X-A', 'b: c'],
      body: Buffer.from('{"ok":1}'),
    });
    writeFileSync(join(dir, 'reply.bin'), 'x');
    expect(parseOfflineResponse('status=200,body=reply.bin', dir).headers).toEqual([
      'content-type',
      'application/octet-stream',
    ]);
    expect(parseOfflineResponse('status=204,type=text/plain', dir).headers).toEqual(['content-type', 'text/plain']);
  });

  it('refuses what the relay would refuse, with the flag in the message', () => {
    expect(() => parseOfflineResponse('status=202,colour=red', dir)).toThrow(
      /--offline-response: unknown key "colour"/,
    );
    expect(() => parseOfflineResponse('body=x', dir)).toThrow(/status=<code> is required/);
    expect(() => parseOfflineResponse('status=600', dir)).toThrow(/status must be 200-599/);
    expect(() => parseOfflineResponse('status=202,header=Bad Name: x', dir)).toThrow(/is not a header name/);
    const many = Array.from({ length: 17 }, (_, i) => `header=X-${i}: v`).join(',');
    expect(() => parseOfflineResponse(`status=202,${many}`, dir)).toThrow(/at most 16 headers/);
  });

  it('takes handshakes flag > env > file, and Zoom’s secret out of the signing secrets', () => {
    const file = { handshakes: ['graph'], secrets: { zoom: 'from-file', stripe: 'whsec_x' } };
    const fromFile = resolveRelayAnswers({}, {}, file, dir);
    expect(fromFile.options).toEqual({ handshakes: ['graph'] });
    expect(fromFile.fileForSignatures.secrets).toEqual({ stripe: 'whsec_x' });
    const fromEnv = resolveRelayAnswers({}, { HOOKLINE_HANDSHAKES: 'zoom,slack' }, file, dir);
    expect(fromEnv.options).toEqual({ handshakes: ['zoom', 'slack'], handshakeSecrets: { zoom: 'from-file' } });
    const fromFlag = resolveRelayAnswers(
      { handshake: ['zoom', 'WebSub'], secret: ['zoom=from-flag', 'github=gh'] },
      { HOOKLINE_HANDSHAKES: 'slack' },
      file,
      dir,
    );
    expect(fromFlag.options).toEqual({ handshakes: ['zoom', 'websub'], handshakeSecrets: { zoom: 'from-flag' } });
    expect(fromFlag.secretFlags).toEqual(['github=gh']);
  });
});
