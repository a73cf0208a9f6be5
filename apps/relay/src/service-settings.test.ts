import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFlags } from './cli-flags.js';
import { QUEUE_LIMIT_OF, RELAY_OPTION_OF } from './relay-limits.js';
import { loadServiceSettings } from './service-settings.js';
import { SETTING_KEYS, SETTINGS } from './settings-table.js';

describe('loadServiceSettings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** XDG_DATA_HOME inside the test's folder: the default data dir is never the user's. */
  const load = (argv: string[], env: NodeJS.ProcessEnv = {}, cwd = dir) =>
    loadServiceSettings(parseFlags(argv), { XDG_DATA_HOME: join(dir, 'xdg'), ...env }, cwd);
  const writeConfig = (data: unknown, name = 'relay.json') => {
    const file = join(dir, name);
    writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
    return file;
  };

  it('has safe defaults: loopback, open, data in $XDG_DATA_HOME, no metrics, no TLS, 30 s grace', () => {
    const settings = load([]);
    expect(settings).toMatchObject({ shutdownGraceMs: 30_000, metricsToken: null, tls: null, logLevel: 'info' });
    expect(settings.relay).toMatchObject({ host: '127.0.0.1', port: 4747, auth: 'none' });
    // Limits are left to createRelay's own defaults (one copy: RELAY_DEFAULTS).
    expect(settings.relay.options).toEqual({
      auth: 'none',
      tokens: [],
      allowAnonymousNames: true,
      dataDir: join(dir, 'xdg', 'hookline', 'relay'),
    });
  });

  it('keeps nothing on disk with --data-dir :memory:', () => {
    expect(load(['--data-dir', ':memory:']).relay.options).not.toHaveProperty('dataDir');
  });

  it('layers flags over env over the config file over defaults', () => {
    const file = writeConfig({
      port: 5000,
      domain: 'file.example',
      maxBodyBytes: 3,
      shutdownGrace: 10,
      logLevel: 'warn',
    });
    const settings = load(['--config', file, '--log-level', 'debug', '--max-body-bytes', '1'], {
      HOOKLINE_PORT: '6000',
      HOOKLINE_MAX_BODY_BYTES: '2',
      HOOKLINE_SHUTDOWN_GRACE: '2.5',
    });
    expect(settings.relay.port).toBe(6000);
    expect(settings.relay.options.domain).toBe('file.example');
    expect(settings.relay.options.maxBodyBytes).toBe(1);
    expect(settings.shutdownGraceMs).toBe(2_500);
    expect(settings.logLevel).toBe('debug');
    expect(load([], { HOOKLINE_CONFIG: file }).relay.options.maxBodyBytes).toBe(3);
    expect(load(['--config', file], { HOOKLINE_MAX_BODY_BYTES: '2' }).relay.options.maxBodyBytes).toBe(2);
  });

  it('treats an empty env value as unset, for every setting', () => {
    const file = writeConfig({ port: 5000, domain: 'file.example' });
    const settings = load([], { HOOKLINE_CONFIG: file, HOOKLINE_PORT: '', HOOKLINE_DOMAIN: '', HOOKLINE_AUTH: '' });
    expect(settings.relay).toMatchObject({ port: 5000, auth: 'none', options: { domain: 'file.example' } });
    expect(load([], { HOOKLINE_CONFIG: '', HOOKLINE_METRICS_TOKEN: '' }).metricsToken).toBeNull();
  });

  it('resolves relative paths: a file value against its folder, a flag or env value against cwd', () => {
    mkdirSync(join(dir, 'etc'));
    const file = writeConfig({ dataDir: 'data', tlsCert: 'tls/cert.pem', tlsKey: '/etc/key.pem' }, 'etc/relay.json');
    const fromFile = load(['--config', 'etc/relay.json']);
    expect(fromFile.relay.options.dataDir).toBe(join(dir, 'etc', 'data'));
    expect(fromFile.tls).toEqual({ certFile: join(dir, 'etc', 'tls/cert.pem'), keyFile: '/etc/key.pem' });
    const cwd = join(dir, 'work');
    const fromFlags = load(
      ['--config', file, '--data-dir', 'flag-data', '--tls-cert', 'c.pem'],
      {
        HOOKLINE_TLS_KEY: 'k.pem',
      },
      cwd,
    );
    expect(fromFlags.relay.options.dataDir).toBe(join(cwd, 'flag-data'));
    expect(fromFlags.tls).toEqual({ certFile: join(cwd, 'c.pem'), keyFile: join(cwd, 'k.pem') });
  });

  it('refuses an unknown config file key, naming it', () => {
    const file = writeConfig({ port: 1, prot: 80 });
    expect(() => load(['--config', file])).toThrow(
      /^config file .*relay\.json: unknown setting "prot" \(known: port, /,
    );
    // Keys that are env only are not file keys either.
    expect(() => load(['--config', writeConfig({ tokens: 'a' })])).toThrow(/unknown setting "tokens"/);
  });

  it('passes every limit setting on to RelayOptions, from a flag, env or the file', () => {
    for (const [key, option] of Object.entries(RELAY_OPTION_OF)) {
      const setting = SETTINGS[key as keyof typeof RELAY_OPTION_OF];
      const isDuration = setting.kind.arg === '<duration>';
      const fromFlag = load([String(setting.flag), isDuration ? '7s' : '7']).relay.options;
      expect(fromFlag[option], key).toBe(isDuration ? 7_000 : 7);
      expect(load([], { [setting.env]: '8' }).relay.options[option], key).toBe(isDuration ? 8_000 : 8);
      expect(load(['--config', writeConfig({ [key]: 9 })]).relay.options[option], key).toBe(isDuration ? 9_000 : 9);
    }
    for (const [key, limit] of Object.entries(QUEUE_LIMIT_OF)) {
      const setting = SETTINGS[key as keyof typeof QUEUE_LIMIT_OF];
      const isDuration = setting.kind.arg === '<duration>';
      expect(load([String(setting.flag), '7']).relay.options.queue?.[limit], key).toBe(isDuration ? 7_000 : 7);
    }
    expect(load(['--name-ttl-days', '2']).relay.options.nameTtlMs).toBe(2 * 86_400_000);
    expect(load(['--trust-proxy']).relay.options.trustProxy).toBe(true);
    expect(load([], { HOOKLINE_TRUST_PROXY: '0' }).relay.options.trustProxy).toBe(false);
  });

  it('covers every limit in the table with a RelayOptions field', () => {
    const special = ['tunnelRate', 'tunnelBurst'];
    const mapped = [...Object.keys(RELAY_OPTION_OF), ...Object.keys(QUEUE_LIMIT_OF), ...special];
    const limits = SETTING_KEYS.filter((key) => SETTINGS[key].group === 'limits' || SETTINGS[key].group === 'queue');
    expect(limits.filter((key) => !mapped.includes(key))).toEqual([]);
  });

  it('sets the per-tunnel rate and burst; a rate alone gets a burst of twice the rate', () => {
    expect(load(['--tunnel-rate', '5', '--tunnel-burst', '3']).relay.options.tunnelRate).toEqual({
      perSecond: 5,
      burst: 3,
    });
    expect(load(['--tunnel-rate', '5']).relay.options.tunnelRate).toEqual({ perSecond: 5, burst: 10 });
    expect(load(['--tunnel-rate', '0.2']).relay.options.tunnelRate).toEqual({ perSecond: 0.2, burst: 1 });
    expect(load([], { HOOKLINE_TUNNEL_BURST: '50' }).relay.options.tunnelRate).toEqual({ perSecond: 500, burst: 50 });
  });

  it('reads durations as seconds or with a unit', () => {
    expect(load(['--headers-timeout', '500ms']).relay.options.headersTimeoutMs).toBe(500);
    expect(load(['--request-timeout', '10m']).relay.options.requestTimeoutMs).toBe(600_000);
    expect(load(['--queue-max-age', '2d']).relay.options.queue?.maxAgeMs).toBe(2 * 86_400_000);
    expect(load(['--shutdown-grace', '0']).shutdownGraceMs).toBe(0);
  });

  it('takes the metrics token from a flag or the environment', () => {
    expect(load(['--metrics-token', 'a'.repeat(16)]).metricsToken).toBe('a'.repeat(16));
    expect(load([], { HOOKLINE_METRICS_TOKEN: 'b'.repeat(32) }).metricsToken).toBe('b'.repeat(32));
  });

  it('requires tokens beyond loopback; tokens come from the data dir, the env or the cluster', () => {
    expect(load(['--host', '0.0.0.0']).relay).toMatchObject({
      auth: 'required',
      options: { allowAnonymousNames: false },
    });
    expect(() => load(['--host', '0.0.0.0', '--data-dir', ':memory:'])).toThrow(/^auth required needs tokens/);
    const withEnv = load(['--host', '0.0.0.0', '--data-dir', ':memory:'], { HOOKLINE_RELAY_TOKENS: 'a, b,' });
    expect(withEnv.relay.options.tokens).toEqual(['a', 'b']);
    expect(load(['--auth', 'none']).relay.options.tokens).toEqual([]);
  });

  it('takes cluster mode as all three settings, or refuses a half-configured node', () => {
    const cluster = ['--redis', 'redis://127.0.0.1:6390', '--node-url', 'http://10.0.0.1:4747'];
    const secret = ['--cluster-secret', 's'.repeat(16)];
    expect(load([...cluster, ...secret]).cluster).toEqual({
      redisUrl: 'redis://127.0.0.1:6390',
      nodeUrl: 'http://10.0.0.1:4747',
      secret: 's'.repeat(16),
    });
    expect(() => load(cluster)).toThrow(/cluster mode needs --cluster-secret/);
    expect(() => load(['--node-url', 'http://x', ...secret])).toThrow(/cluster mode needs --redis/);
    expect(() => load(['--redis', 'redis://x', ...secret])).toThrow(/cluster mode needs --node-url/);
  });

  it.each([
    [['--port', 'x'], '--port must be a port number 0-65535, got "x"'],
    [['--port', '70000'], '--port must be a port number 0-65535, got "70000"'],
    [['--max-body-bytes', '10MB'], '--max-body-bytes must be a whole number of bytes, 1 or more, got "10MB"'],
    [['--tunnel-rate', '0'], '--tunnel-rate must be a number above 0, got "0"'],
    [['--tunnel-burst', '1.5'], '--tunnel-burst must be a whole number, 1 or more, got "1.5"'],
    [['--prot', '1'], 'unknown option --prot (see --help)'],
    [['extra'], 'unexpected argument extra (settings are --flags; see --help)'],
    [['--port'], 'option --port needs a port number 0-65535'],
    [['--trust-proxy=yes'], 'option --trust-proxy takes no value'],
    [['--auth', 'maybe'], '--auth must be one of required, none, got "maybe"'],
    [
      ['--public-url', 'hooks.example.com'],
      '--public-url must be a URL starting with http:// or https://, got "hooks.example.com"',
    ],
    [['--redis', 'http://x'], '--redis must be a URL starting with redis:// or rediss://, got "http://x"'],
    [['--tls-cert', 'c.pem'], 'TLS needs both a certificate and a key (--tls-cert and --tls-key)'],
    [
      ['--metrics-token', 'short'],
      '--metrics-token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / - (a bearer token), got "short"',
    ],
    [
      ['--metrics-token', 'sixteen chars, spaces'],
      '--metrics-token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / - (a bearer token), got "sixteen chars, spaces"',
    ],
    [['--shutdown-grace=-1'], /^--shutdown-grace must be a duration: seconds .*, got "-1"$/],
    [['--headers-timeout', '0'], /^--headers-timeout must be a duration above 0: .*, got "0"$/],
    [
      ['--log-level', 'loud'],
      /^--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"$/,
    ],
    [['--config', 'missing.json'], /^config file .*missing\.json: cannot read it \(ENOENT\)$/],
  ])('refuses %j with one line naming the setting and the accepted form', (argv, message) => {
    const expected =
      typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message;
    expect(() => load(argv)).toThrow(expected);
  });

  it('names the env variable when the value came from there', () => {
    expect(() => load([], { HOOKLINE_QUEUE_MAX_ATTEMPTS: 'many' })).toThrow(
      /^HOOKLINE_QUEUE_MAX_ATTEMPTS must be a whole number, 1 or more, got "many"$/,
    );
  });

  it.each([
    ['{"port": ', /not valid JSON/],
    ['[1]', /must hold one JSON object/],
    ['{"port": true}', /: "port" must be a port number 0-65535, got true$/],
    ['{"trustProxy": "yes"}', /: "trustProxy" must be true or false, got "yes"$/],
    ['{"queueMaxAge": "a week"}', /: "queueMaxAge" must be a duration above 0: .*, got "a week"$/],
  ])('refuses a bad config file %s', (text, message) => {
    expect(() => load(['--config', writeConfig(text)])).toThrow(message);
  });
});
