import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFlags } from './cli-flags.js';
import { loadServiceSettings } from './service-settings.js';

describe('loadServiceSettings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadServiceSettings(parseFlags(argv), env, dir);
  const writeConfig = (data: unknown) => {
    const file = join(dir, 'relay.json');
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  };

  it('has safe defaults: loopback, no metrics, no TLS, 30 s grace', () => {
    const settings = load([]);
    expect(settings).toMatchObject({ shutdownGraceMs: 30_000, metricsToken: null, tls: null, logLevel: 'info' });
    expect(settings.relay).toMatchObject({ host: '127.0.0.1', port: 4747, auth: 'none' });
  });

  it('layers flags over env over the config file', () => {
    const file = writeConfig({ port: 5000, domain: 'file.example.com', shutdownGrace: 10, logLevel: 'warn' });
    const settings = load(['--config', file, '--log-level', 'debug'], {
      HOOKLINE_PORT: '6000',
      HOOKLINE_SHUTDOWN_GRACE: '2.5',
    });
    expect(settings.relay.port).toBe(6000);
    expect(settings.relay.options.domain).toBe('file.example.com');
    expect(settings.shutdownGraceMs).toBe(2_500);
    expect(settings.logLevel).toBe('debug');
    expect(load([], { HOOKLINE_CONFIG: file }).relay.port).toBe(5000);
  });

  it('takes the names-per-token cap from a flag or the config file', () => {
    expect(load(['--max-names-per-token', '3']).relay.options.maxNamesPerToken).toBe(3);
    const file = writeConfig({ maxNamesPerToken: 7 });
    expect(load(['--config', file]).relay.options.maxNamesPerToken).toBe(7);
  });

  it('resolves paths in the config file against its folder', () => {
    const file = writeConfig({ dataDir: 'data', tlsCert: 'tls/cert.pem', tlsKey: '/etc/key.pem', trustProxy: true });
    const settings = load(['--config', file]);
    expect(settings.relay.options).toMatchObject({ dataDir: join(dir, 'data'), trustProxy: true });
    expect(settings.tls).toEqual({ certFile: join(dir, 'tls/cert.pem'), keyFile: '/etc/key.pem' });
  });

  it('takes the metrics token from a flag or the environment', () => {
    expect(load(['--metrics-token', 'a'.repeat(16)]).metricsToken).toBe('a'.repeat(16));
    expect(load([], { HOOKLINE_METRICS_TOKEN: 'b'.repeat(32) }).metricsToken).toBe('b'.repeat(32));
    expect(load([], { HOOKLINE_METRICS_TOKEN: '' }).metricsToken).toBeNull();
  });

  it.each([
    [['--port', 'x'], /^port must be 0-65535, got x$/],
    [['--prot', '1'], /^unknown option --prot \(see --help\)$/],
    [['extra'], /^unexpected argument extra/],
    [['--port'], /^option --port needs a value$/],
    [['--trust-proxy=yes'], /^option --trust-proxy takes no value$/],
    [['--tls-cert', 'c.pem'], /needs both a certificate and a key/],
    [['--metrics-token', 'short'], /metrics token must be at least 16 characters/],
    [['--shutdown-grace=-1'], /shutdown grace must be a number of seconds, got -1/],
    [['--log-level', 'loud'], /log level must be one of/],
    [['--host', '0.0.0.0'], /auth required needs tokens/],
    [['--config', 'missing.json'], /config file .*missing\.json: cannot read it \(ENOENT\)/],
  ])('refuses %j with one clear line', (argv, message) => {
    expect(() => load(argv)).toThrow(message);
  });

  it.each([
    ['{"port": ', /not valid JSON/],
    ['[1]', /must hold one JSON object/],
    ['{"prot": 80}', /unknown setting "prot"/],
    ['{"port": true}', /"port" must be a number/],
    ['{"trustProxy": "yes"}', /"trustProxy" must be a boolean/],
  ])('refuses a bad config file %s', (text, message) => {
    expect(() => load(['--config', writeConfig(text)])).toThrow(message);
  });
});
