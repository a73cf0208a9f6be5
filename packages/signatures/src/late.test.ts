import { describe, expect, it } from 'vitest';
import { lateDelivery, resignLate } from './late.js';
import {
  headerRecord,
  officialHeaders,
  officialVerify,
  rawList,
  SECRETS,
  wrongSecret,
} from './test-support/official.js';

const T = 1_760_000_000;
const body = Buffer.from('{"id":"evt_late","object":"event","type":"invoice.paid"}');
const config = { secrets: { ...SECRETS } };

describe.each(['stripe', 'standard', 'slack'] as const)('%s late deliveries', (provider) => {
  it('is late when fresh at the relay and past the tolerance now; re-signed, the official verifier agrees', async () => {
    const headers = rawList(await officialHeaders(provider, body, T));
    const late = lateDelivery(headers, { receivedAt: (T + 2) * 1000, now: (T + 600) * 1000 });
    expect(late).toEqual({ provider, delayS: 598, ageS: 600, toleranceS: 300 });
    const result = resignLate({ headers, body }, config, (T + 600) * 1000);
    expect(result.resigned).toBe(true);
    if (!result.resigned) return;
    expect(await officialVerify(provider, headerRecord(result.headers), body, T + 600)).toBe(true);
  });

  it('is not late within the tolerance, nor when it reached the relay already old', async () => {
    const headers = rawList(await officialHeaders(provider, body, T));
    expect(lateDelivery(headers, { receivedAt: T * 1000, now: (T + 300) * 1000 })).toBeNull();
    expect(lateDelivery(headers, { receivedAt: (T + 301) * 1000, now: (T + 900) * 1000 })).toBeNull();
  });

  it('refuses to re-sign a signature that does not match the secret', async () => {
    const headers = rawList(await officialHeaders(provider, body, T, wrongSecret(provider)));
    expect(resignLate({ headers, body }, config, (T + 600) * 1000)).toMatchObject({
      resigned: false,
      reason: expect.stringMatching(/^not re-signed: no .*matches this secret/),
    });
  });
});

describe('late deliveries of schemes without a timestamp', () => {
  it.each(['github', 'shopify'] as const)('%s is never late', async (provider) => {
    const headers = rawList(await officialHeaders(provider, body, T));
    expect(lateDelivery(headers, { receivedAt: T * 1000, now: (T + 86_400) * 1000 })).toBeNull();
  });

  it('a malformed timestamp is not late', () => {
    expect(lateDelivery(['Stripe-Signature', 't=soon,v1=00'], { receivedAt: 0, now: 1e12 })).toBeNull();
  });
});
