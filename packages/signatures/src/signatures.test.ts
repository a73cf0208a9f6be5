import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventIdOf } from './event-id.js';
import { resignRequest } from './resign.js';
import { parseSecretFlag, secretsFromEnv } from './secrets.js';
import {
  ALL_PROVIDERS,
  headerRecord,
  officialHeaders,
  officialVerify,
  rawList,
  SECRETS,
  wrongSecret,
} from './test-support/official.js';
import type { SignatureConfig } from './types.js';
import { verifySignature } from './verify.js';

const config: SignatureConfig = { secrets: { ...SECRETS } };
const NOW_S = 1_760_000_000;
const body = Buffer.from('{"id":"evt_1Nq","object":"event","type":"invoice.paid","data":{"amount":4200}}');
const request = (headers: Record<string, string>, bytes = body) => ({
  headers: rawList({ 'Content-Type': 'application/json', ...headers }),
  body: bytes,
});

describe.each(ALL_PROVIDERS)('%s signatures against the official algorithm', (provider) => {
  it('verifies a request the official library signed, over the raw bytes', async () => {
    const signed = request(await officialHeaders(provider, body, NOW_S));
    expect(verifySignature(signed, config, { now: NOW_S * 1000 + 2_000 })).toMatchObject({ status: 'valid', provider });
  });

  it('reports a wrong secret as no matching signature, never as valid', async () => {
    const signed = request(await officialHeaders(provider, body, NOW_S, wrongSecret(provider)));
    const verdict = verifySignature(signed, config, { now: NOW_S * 1000 });
    expect(verdict.status).toBe('invalid');
    expect(verdict.reason).toMatch(/no .*signature matches this secret \(wrong secret, or the body/);
  });

  it('reports a one-byte change of the body as invalid', async () => {
    const signed = request(
      await officialHeaders(provider, body, NOW_S),
      Buffer.from(body.toString().replace('4200', '4201')),
    );
    expect(verifySignature(signed, config, { now: NOW_S * 1000 }).status).toBe('invalid');
  });

  it('re-signs (possibly edited) bytes so the official verifier accepts them ten minutes later', async () => {
    const later = NOW_S + 600;
    const captured = request(await officialHeaders(provider, body, NOW_S));
    const edited = {
      ...captured,
      body: Buffer.from(body.toString().replace('invoice.paid', 'invoice.payment_failed')),
    };
    for (const sent of [captured, edited]) {
      const resigned = resignRequest(sent, config, { now: later * 1000 });
      expect(await officialVerify(provider, headerRecord(resigned.headers), sent.body, later)).toBe(true);
      expect(
        verifySignature({ headers: resigned.headers, body: sent.body }, config, { now: later * 1000 }).status,
      ).toBe('valid');
      // Only the signature headers changed, in place.
      expect(resigned.headers.filter((_, i) => i % 2 === 0)).toEqual([...sent.headers.filter((_, i) => i % 2 === 0)]);
    }
  });

  it('says no-secret when signed by a provider hookline has no secret for', async () => {
    const signed = request(await officialHeaders(provider, body, NOW_S));
    const verdict = verifySignature(signed, { secrets: {} }, { now: NOW_S * 1000 });
    expect(verdict).toMatchObject({ status: 'no-secret', provider });
    expect(verdict.reason).toContain(`--secret ${provider}=`);
  });
});

describe.each(['stripe', 'standard', 'slack'] as const)('%s timestamps', (provider) => {
  it('is stale ten minutes later, saying by how much, and the official verifier agrees', async () => {
    const signed = request(await officialHeaders(provider, body, NOW_S));
    const later = NOW_S + 600;
    expect(verifySignature(signed, config, { now: later * 1000 })).toMatchObject({
      status: 'stale',
      reason: expect.stringMatching(/^timestamp outside tolerance by 300 s \(600 s old/),
      timestamp: NOW_S,
    });
    expect(await officialVerify(provider, headerRecord(signed.headers), body, later)).toBe(false);
    expect(await officialVerify(provider, headerRecord(signed.headers), body, NOW_S + 10)).toBe(true);
  });
});

describe('non-UTF-8 bodies', () => {
  // Every byte value, invalid UTF-8 included: a signer that decoded text would change them.
  const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256));

  it.each(['slack', 'shopify'] as const)(
    '%s: the documented raw-bytes algorithm and hookline agree',
    async (provider) => {
      const signed = request(await officialHeaders(provider, binary, NOW_S), binary);
      expect(verifySignature(signed, config, { now: NOW_S * 1000 }).status).toBe('valid');
      const resigned = resignRequest(signed, config, { now: (NOW_S + 600) * 1000 });
      expect(await officialVerify(provider, headerRecord(resigned.headers), binary, NOW_S + 600)).toBe(true);
    },
  );

  it('GitHub and Stripe signatures over raw bytes (per their docs) verify and re-sign byte-exact', () => {
    const gh = `sha256=${createHmac('sha256', SECRETS.github).update(binary).digest('hex')}`;
    const stripeSig = createHmac('sha256', SECRETS.stripe)
      .update(Buffer.concat([Buffer.from(`${NOW_S}.`), binary]))
      .digest('hex');
    const signed = { headers: ['X-Hub-Signature-256', gh], body: binary };
    expect(verifySignature(signed, config, { now: 0 }).status).toBe('valid');
    const stripeSigned = { headers: ['Stripe-Signature', `t=${NOW_S},v1=${stripeSig}`], body: binary };
    expect(verifySignature(stripeSigned, config, { now: NOW_S * 1000 }).status).toBe('valid');
    const resigned = resignRequest(signed, config, { now: 0 });
    expect(resigned.headers).toEqual(['X-Hub-Signature-256', gh]);
  });
});

describe('header details', () => {
  it('Standard Webhooks: accepts any of several signatures, keeps the id unless asked for a new one', async () => {
    const headers = await officialHeaders('standard', body, NOW_S);
    headers['webhook-signature'] = `v1,${Buffer.alloc(32).toString('base64')} v1a,xyz ${headers['webhook-signature']}`;
    expect(verifySignature(request(headers), config, { now: NOW_S * 1000 }).status).toBe('valid');
    const same = headerRecord(resignRequest(request(headers), config, { now: NOW_S * 1000 }).headers);
    const fresh = headerRecord(resignRequest(request(headers), config, { now: NOW_S * 1000, newId: true }).headers);
    expect(same['webhook-id']).toBe('msg_2Lh9KZ0example');
    expect(fresh['webhook-id']).toMatch(/^msg_[\w-]{24}$/);
    expect(await officialVerify('standard', fresh, body, NOW_S)).toBe(true);
  });

  it('Svix-branded headers are the same scheme', async () => {
    const std = await officialHeaders('standard', body, NOW_S);
    const svix = {
      'svix-id': std['webhook-id'] ?? '',
      'svix-timestamp': std['webhook-timestamp'] ?? '',
      'svix-signature': std['webhook-signature'] ?? '',
    };
    expect(verifySignature(request(svix), config, { now: NOW_S * 1000 })).toMatchObject({
      status: 'valid',
      provider: 'standard',
    });
  });

  it('says which header is malformed', () => {
    const at = { now: NOW_S * 1000 };
    expect(verifySignature(request({ 'Stripe-Signature': 'v1=abcd' }), config, at).reason).toBe(
      'header malformed: Stripe-Signature has no t= timestamp',
    );
    expect(verifySignature(request({ 'X-Hub-Signature-256': 'md5=00' }), config, at).reason).toMatch(
      /must start with sha256=/,
    );
    expect(verifySignature(request({ 'X-Slack-Signature': 'v0=00' }), config, at).reason).toMatch(
      /X-Slack-Request-Timestamp is missing/,
    );
    expect(verifySignature(request({}), config, at).status).toBe('unsigned');
  });

  it('generic HMAC: header, algorithm, encoding, prefix and timestamp+body are configurable', () => {
    const generic = {
      header: 'X-Acme-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'sha512=',
      signed: 'timestamp+body',
      timestampHeader: 'X-Acme-Timestamp',
      separator: ':',
    } as const;
    const cfg: SignatureConfig = { secrets: { generic: 'acme' }, generic };
    const sig = createHmac('sha512', 'acme').update(`${NOW_S}:`).update(body).digest('base64');
    const signed = request({ 'X-Acme-Timestamp': String(NOW_S), 'X-Acme-Signature': `sha512=${sig}` });
    expect(verifySignature(signed, cfg, { now: NOW_S * 1000 })).toMatchObject({ status: 'valid', provider: 'generic' });
    expect(verifySignature(signed, cfg, { now: (NOW_S + 900) * 1000 }).status).toBe('stale');
    const resigned = resignRequest(signed, cfg, { now: (NOW_S + 900) * 1000 });
    expect(verifySignature({ headers: resigned.headers, body }, cfg, { now: (NOW_S + 900) * 1000 }).status).toBe(
      'valid',
    );
    expect(() =>
      resignRequest(signed, { secrets: { generic: 'x' }, generic: { header: 'bad header' } }, { now: 0 }),
    ).toThrow(/"header" must be a header name/);
  });

  it('refuses to re-sign without a secret or without a signature', async () => {
    const signed = request(await officialHeaders('stripe', body, NOW_S));
    expect(() => resignRequest(signed, { secrets: {} }, { now: 0 })).toThrow(/no stripe secret/);
    expect(() => resignRequest(request({}), config, { now: 0 })).toThrow(/no signature header/);
  });
});

describe('eventIdOf', () => {
  it('finds each provider event id', async () => {
    expect(eventIdOf(request(await officialHeaders('stripe', body, NOW_S)))).toEqual({
      provider: 'stripe',
      id: 'evt_1Nq',
    });
    expect(eventIdOf(request(await officialHeaders('github', body, NOW_S)))?.id).toBe(
      'd0c1e7a0-1111-2222-3333-444455556666',
    );
    expect(eventIdOf(request(await officialHeaders('standard', body, NOW_S)))).toEqual({
      provider: 'standard',
      id: 'msg_2Lh9KZ0example',
    });
    expect(eventIdOf(request(await officialHeaders('shopify', body, NOW_S)))?.provider).toBe('shopify');
    expect(eventIdOf(request({}))).toBeNull();
  });
});

describe('secrets', () => {
  it('parses --secret and HOOKLINE_SECRET_* without echoing a value in errors', () => {
    expect(parseSecretFlag('stripe=whsec_a=b')).toEqual(['stripe', 'whsec_a=b']);
    expect(parseSecretFlag('Svix=whsec_x')).toEqual(['standard', 'whsec_x']);
    expect(() => parseSecretFlag('paypal=hunter2')).toThrow(/<provider>=<secret>/);
    expect(() => parseSecretFlag('paypal=hunter2')).not.toThrow(/hunter2/);
    expect(
      secretsFromEnv({ HOOKLINE_SECRET_GITHUB: 'g', HOOKLINE_SECRET_SVIX: 's', HOOKLINE_SECRET_NOPE: 'n' }),
    ).toEqual({
      github: 'g',
      standard: 's',
    });
  });
});
