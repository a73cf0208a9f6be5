import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedEnv, RELAY_LISTENING, runCli, spawnCli, stopAllCli } from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

const SLACK = JSON.stringify({ token: 't', challenge: 'slack-challenge-42', type: 'url_verification' });
const ZOOM_SECRET = 'zoom-secret-from-the-command-line';
const ZOOM = JSON.stringify({ payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' }, event: 'endpoint.url_validation' });

describe('hookline http --handshake and --offline-response (real processes)', () => {
  let dir: string;
  let origin: Origin;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-answers-'));
    origin = await startOrigin();
  });

  afterEach(async () => {
    await stopAllCli();
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCli(args, { cwd: dir, env: isolatedEnv(dir) });
  const start = (args: string[]) => spawnCli(args, { cwd: dir, env: isolatedEnv(dir) });
  const json = { 'content-type': 'application/json' };

  async function sharedRelay(): Promise<{ url: string; token: string }> {
    const data = join(dir, 'relay-data');
    const { token } = JSON.parse((await run(['token', 'create', '--data-dir', data, '--json'])).stdout);
    const relay = start(['relay', '--port', '0', '--data-dir', data, '--auth', 'required']);
    return { url: (await relay.waitForLine('stdout', RELAY_LISTENING))[1] as string, token };
  }

  it('answers declared handshakes online and offline, logs them, and answers offline with the file', async () => {
    const { url, token } = await sharedRelay();
    writeFileSync(join(dir, 'reply.json'), '{"accepted":true}');
    // Handshakes from hookline.json, the Zoom secret as a --secret, the offline response as a flag.
    writeFileSync(join(dir, 'hookline.json'), JSON.stringify({ handshakes: ['slack', 'zoom'] }));
    const http = start([
      'http',
      String(origin.port),
      '--relay',
      url,
      '--token',
      token,
      '--name',
      'team',
      '--secret',
      `zoom=${ZOOM_SECRET}`,
      '--offline-response',
      'status=202,body=reply.json,header=X-Why: local server down',
      '--json',
    ]);
    await http.waitForLine('stdout', /"type":"ready"/);
    const slack = await send(`${url}/t/team/slack`, { method: 'POST', headers: json, body: SLACK });
    expect(slack.status).toBe(200);
    expect(slack.body.toString()).toBe('slack-challenge-42');
    const line = await http.waitForLine('stdout', /"type":"handshake"/);
    expect(JSON.parse(line.input)).toMatchObject({ handshake: 'slack', method: 'POST', path: '/slack', status: 200 });
    expect(origin.requests).toHaveLength(0);
    await http.stop();

    const listed = await run(['requests', '--json']);
    const summaries = JSON.parse(listed.stdout) as Array<{ origin: string; path: string }>;
    expect(summaries).toMatchObject([{ origin: 'handshake', path: '/slack' }]);

    // The client is gone: the relay still answers Zoom with the secret of the last connect…
    const zoom = await send(`${url}/t/team/zoom`, { method: 'POST', headers: json, body: ZOOM });
    expect(JSON.parse(zoom.body.toString())).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', ZOOM_SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
    // …and any other caller gets the declared offline response instead of 503.
    const offline = await send(`${url}/t/team/webhook`, { method: 'POST', headers: json, body: '{}' });
    expect(offline.status).toBe(202);
    expect(offline.body.toString()).toBe('{"accepted":true}');
    expect(offline.headers['content-type']).toBe('application/json');
    expect(offline.headers['x-why']).toBe('local server down');
    expect(offline.headers['hookline-offline-response']).toBe('1');
  });

  it('refuses bad settings with one line and exit 1, before connecting', async () => {
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(65 * 1024));
    const cases: Array<[string[], RegExp]> = [
      [['--handshake', 'slack,nope'], /unknown handshake "nope" \(known: slack, zoom, graph, websub, cloudevents\)/],
      [['--handshake', 'zoom'], /--handshake zoom needs the app's secret token: --secret zoom=<token>/],
      [
        ['--offline-response', 'status=202,body=big.json'],
        /big\.json is 66560 bytes; an offline response body is at most 64 KiB/,
      ],
      [['--offline-response', '99'], /status must be 200-599/],
      [['--offline-response', 'status=202,header=Content-Length: 3'], /Content-Length is set by the relay/],
      [['--offline-response', 'status=202,body=missing.json'], /cannot read .*missing\.json: ENOENT/],
    ];
    for (const [flags, message] of cases) {
      const result = await run(['http', String(origin.port), '--no-tui', ...flags]);
      expect(result.code, flags.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
