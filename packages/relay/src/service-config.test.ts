import { describe, expect, it } from 'vitest';
import { relayServiceConfig } from './service-config.js';

describe('relayServiceConfig', () => {
  it('defaults to an open relay with names on loopback', () => {
    const config = relayServiceConfig({}, {});
    expect(config).toMatchObject({ port: 4747, host: '127.0.0.1', auth: 'none' });
    expect(config.options.allowAnonymousNames).toBe(true);
  });

  it('requires tokens by default beyond loopback, from a data dir or the environment', () => {
    expect(() => relayServiceConfig({ host: '0.0.0.0' }, {})).toThrow(/tokens/);
    const config = relayServiceConfig({ host: '0.0.0.0', dataDir: '/tmp/x' }, {});
    expect(config.auth).toBe('required');
    expect(config.options).toMatchObject({ auth: 'required', dataDir: '/tmp/x' });
    expect(relayServiceConfig({ host: '0.0.0.0' }, { HOOKLINE_RELAY_TOKENS: 'a, b' }).options.tokens).toEqual([
      'a',
      'b',
    ]);
  });

  it('gives an open relay facing the internet random names only', () => {
    expect(relayServiceConfig({ host: '0.0.0.0', auth: 'none' }, {}).options.allowAnonymousNames).toBe(false);
  });

  it('takes flags over env', () => {
    expect(relayServiceConfig({ port: '8080' }, { HOOKLINE_PORT: '9090' }).port).toBe(8080);
    expect(relayServiceConfig({}, { HOOKLINE_PORT: '9090' }).port).toBe(9090);
  });

  it('refuses a bad port or auth mode with a clear message', () => {
    expect(() => relayServiceConfig({ port: '70000' }, {})).toThrow(/port must be 0-65535/);
    expect(() => relayServiceConfig({ auth: 'maybe' }, {})).toThrow(/auth must be/);
  });
});
