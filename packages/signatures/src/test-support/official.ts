/**
 * The providers' own libraries as judges: each signs a request the way the
 * provider would, and verifies one the way an app would.
 */
import { sign as githubSign, verify as githubVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { shopifySign, shopifyVerify, slackSign, slackVerify } from './documented.js';

const stripeClient = new Stripe('sk_test_unused');

export const SECRETS = {
  stripe: 'whsec_test_stripe_secret_0123456789',
  github: 'github-webhook-secret',
  standard: `whsec_${Buffer.from('standard-webhooks-secret-key-0123').toString('base64')}`,
  slack: '8f742231b10e8888abcd99yyyzzz85a5',
  shopify: 'shpss_shopify_client_secret',
} as const;

export type Provider = keyof typeof SECRETS;
export const ALL_PROVIDERS = Object.keys(SECRETS) as Provider[];

/** Headers (lower-case names) a provider sends with this body at `nowS`. */
export async function officialHeaders(
  provider: Provider,
  body: Buffer,
  nowS: number,
  secret: string = SECRETS[provider],
): Promise<Record<string, string>> {
  switch (provider) {
    case 'stripe':
      return {
        'stripe-signature': stripeClient.webhooks.generateTestHeaderString({
          payload: body.toString('utf8'),
          secret,
          timestamp: nowS,
        }),
      };
    case 'github':
      return {
        'x-hub-signature-256': await githubSign(secret, body.toString('utf8')),
        'x-github-delivery': 'd0c1e7a0-1111-2222-3333-444455556666',
      };
    case 'standard': {
      const id = 'msg_2Lh9KZ0example';
      return {
        'webhook-id': id,
        'webhook-timestamp': String(nowS),
        'webhook-signature': new Webhook(secret).sign(id, new Date(nowS * 1000), body.toString('utf8')),
      };
    }
    case 'slack':
      return { 'x-slack-request-timestamp': String(nowS), 'x-slack-signature': slackSign(secret, nowS, body) };
    case 'shopify':
      return {
        'x-shopify-hmac-sha256': shopifySign(secret, body),
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      };
  }
}

/** Does the provider's own verifier (as an app would call it) accept this request at `nowS`? */
export async function officialVerify(
  provider: Provider,
  headers: Record<string, string | undefined>,
  body: Buffer,
  nowS: number,
): Promise<boolean> {
  try {
    switch (provider) {
      case 'stripe':
        stripeClient.webhooks.constructEvent(
          body,
          headers['stripe-signature'] ?? '',
          SECRETS.stripe,
          300,
          undefined,
          nowS * 1000,
        );
        return true;
      case 'github':
        return await githubVerify(SECRETS.github, body.toString('utf8'), headers['x-hub-signature-256'] ?? '');
      case 'standard':
        return verifyStandardAt(headers, body, nowS);
      case 'slack':
        return slackVerify(SECRETS.slack, headers, body, nowS);
      case 'shopify':
        return shopifyVerify(SECRETS.shopify, headers, body);
    }
  } catch {
    return false;
  }
}

/** `Webhook.verify` reads `Date.now()`; run it with the clock at `nowS`. */
function verifyStandardAt(headers: Record<string, string | undefined>, body: Buffer, nowS: number): boolean {
  const realNow = Date.now;
  Date.now = () => nowS * 1000;
  try {
    new Webhook(SECRETS.standard).verify(body.toString('utf8'), {
      'webhook-id': headers['webhook-id'] ?? '',
      'webhook-timestamp': headers['webhook-timestamp'] ?? '',
      'webhook-signature': headers['webhook-signature'] ?? '',
    });
    return true;
  } finally {
    Date.now = realNow;
  }
}

/** A secret of the right shape that is not the provider's. */
export function wrongSecret(provider: Provider): string {
  return provider === 'standard'
    ? `whsec_${Buffer.from('some-other-endpoint-key').toString('base64')}`
    : `${SECRETS[provider]}-wrong`;
}

/** Lower-case name → value, as node's `req.headers` has them, to a flat raw list. */
export function rawList(headers: Record<string, string>): string[] {
  return Object.entries(headers).flat();
}

/** A flat raw list back to lower-case names. */
export function headerRecord(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) out[(raw[i] as string).toLowerCase()] = raw[i + 1] as string;
  return out;
}
