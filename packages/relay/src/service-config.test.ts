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

  it('takes env over the config file, and the file over defaults', () => {
    const file = { port: '5000', domain: 'file.example.com', dataDir: '/srv/file' };
    const config = relayServiceConfig({}, { HOOKLINE_PORT: '6000' }, file);
    expect(config.port).toBe(6000);
    expect(config.options).toMatchObject({ domain: 'file.example.com', dataDir: '/srv/file' });
    expect(relayServiceConfig({ port: '7000' }, { HOOKLINE_PORT: '6000' }, file).port).toBe(7000);
  });

  it('treats an empty env value as unset', () => {
    expect(relayServiceConfig({}, { HOOKLINE_PORT: '' }).port).toBe(4747);
    expect(relayServiceConfig({}, { HOOKLINE_DOMAIN: '' }, { domain: 'a.example' }).options.domain).toBe('a.example');
  });

  it('reads the body limit and proxy trust', () => {
    const config = relayServiceConfig({ maxBodyBytes: '52428800' }, { HOOKLINE_TRUST_PROXY: 'true' });
    expect(config.options).toMatchObject({ maxBodyBytes: 52428800, trustProxy: true });
    expect(relayServiceConfig({}, {}).options).not.toHaveProperty('trustProxy');
    expect(() => relayServiceConfig({ maxBodyBytes: '10MB' }, {})).toThrow(/max body bytes must be/);
    expect(() => relayServiceConfig({ trustProxy: 'yes' }, {})).toThrow(/trust proxy must be true or false/);
  });

  it('reads the names-per-token cap from a flag or the environment, and refuses a bad one', () => {
    expect(relayServiceConfig({ maxNamesPerToken: '5' }, {}).options.maxNamesPerToken).toBe(5);
    expect(relayServiceConfig({}, { HOOKLINE_MAX_NAMES_PER_TOKEN: '50' }).options.maxNamesPerToken).toBe(50);
    expect(relayServiceConfig({}, {}).options.maxNamesPerToken).toBeUndefined();
    expect(() => relayServiceConfig({ maxNamesPerToken: '0' }, {})).toThrow(/max names per token must be/);
    expect(() => relayServiceConfig({ maxNamesPerToken: 'lots' }, {})).toThrow(/max names per token must be/);
  });

  it('refuses a port that is not a plain number and a public URL without a scheme', () => {
    expect(() => relayServiceConfig({ port: '80abc' }, {})).toThrow(/port must be 0-65535, got 80abc/);
    expect(() => relayServiceConfig({ publicUrl: 'hooks.example.com' }, {})).toThrow(/public URL must start/);
  });
});

describe('relayServiceConfig: cluster mode', () => {
  const complete = { redis: 'redis://127.0.0.1:6390', nodeUrl: 'http://10.0.0.1:4747', clusterSecret: 's'.repeat(16) };

  it('takes all three cluster settings, and lets a cluster carry the tokens', () => {
    const config = relayServiceConfig({ ...complete, host: '0.0.0.0' }, {});
    expect(config.options.cluster).toEqual({
      redisUrl: complete.redis,
      nodeUrl: complete.nodeUrl,
      secret: complete.clusterSecret,
    });
    expect(config.auth).toBe('required');
  });

  it('reads them from the environment too', () => {
    const env = {
      HOOKLINE_REDIS_URL: complete.redis,
      HOOKLINE_NODE_URL: complete.nodeUrl,
      HOOKLINE_CLUSTER_SECRET: complete.clusterSecret,
    };
    expect(relayServiceConfig({}, env).options.cluster?.nodeUrl).toBe(complete.nodeUrl);
  });

  it.each([
    [{ nodeUrl: complete.nodeUrl, clusterSecret: complete.clusterSecret }, /needs --redis/],
    [{ ...complete, redis: 'http://x' }, /redis URL must start/],
    [{ redis: complete.redis, clusterSecret: complete.clusterSecret }, /needs --node-url/],
    [{ redis: complete.redis, nodeUrl: complete.nodeUrl, clusterSecret: 'short' }, /at least 16 characters/],
  ])('refuses a half-configured node: %j', (input, message) => {
    expect(() => relayServiceConfig(input, {})).toThrow(message);
  });
});
