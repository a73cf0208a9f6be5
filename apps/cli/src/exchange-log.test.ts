import type { ExchangeEvent } from '@hookline/client';
import { describe, expect, it } from 'vitest';
import { formatExchangeJson, formatExchangeLine } from './exchange-log.js';

const exchange: ExchangeEvent = {
  id: '1',
  method: 'POST',
  path: '/stripe',
  status: 400,
  durationMs: 3.14259,
  requestBytes: 10,
  responseBytes: 18,
  error: null,
  upgrade: false,
  delivery: { id: 'dlv_1', attempt: 1 },
  target: 'http://localhost:3000/',
  route: null,
  late: {
    provider: 'stripe',
    delayS: 600,
    ageS: 601,
    toleranceS: 300,
    resigned: false,
    message: 'delivered 600 s late; your app may reject the signature (add --secret stripe=…)',
  },
};

describe('exchange log lines', () => {
  it('--json carries the signature verdict and the late delivery note', () => {
    const verdict = { status: 'no-secret' as const, provider: 'stripe' as const, reason: 'no secret', timestamp: null };
    const line = JSON.parse(formatExchangeJson(exchange, verdict, new Date(0)));
    expect(line).toMatchObject({
      type: 'exchange',
      time: '1970-01-01T00:00:00.000Z',
      durationMs: 3.14,
      signature: verdict,
      late: { message: exchange.late?.message },
    });
    expect(JSON.parse(formatExchangeJson({ ...exchange, late: null })).signature).toBeNull();
  });

  it('the human line ends with the late note', () => {
    expect(formatExchangeLine(exchange)).toMatch(/POST {4}\/stripe {2}400 {2}3 ms {2}18 B {2}\(delivered 600 s late; /);
    expect(formatExchangeLine({ ...exchange, late: null })).toMatch(/18 B$/);
    const routed = { ...exchange, late: null, route: '/stripe', target: 'http://127.0.0.1:4000/hooks' };
    expect(formatExchangeLine(routed)).toMatch(/POST {4}\/stripe -> 127\.0\.0\.1:4000 {2}400/);
  });
});
