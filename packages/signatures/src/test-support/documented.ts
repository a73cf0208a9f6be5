/**
 * Slack's and Shopify's signing algorithms written from their documentation,
 * independently of the code under test (they ship no standalone verifier).
 * - Slack, "Verifying requests from Slack": basestring `v0:<X-Slack-Request-Timestamp>:<raw body>`,
 *   HMAC-SHA256 with the signing secret, hex, prefixed `v0=`; reject timestamps over five minutes off.
 * - Shopify, "Verify webhooks": HMAC-SHA256 of the raw body with the app's client secret, base64,
 *   compared with `X-Shopify-Hmac-Sha256`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function slackSign(secret: string, timestamp: number, body: Buffer): string {
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]);
  return `v0=${createHmac('sha256', secret).update(base).digest('hex')}`;
}

export function slackVerify(
  secret: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  nowS: number,
): boolean {
  const timestamp = Number(headers['x-slack-request-timestamp']);
  if (!Number.isFinite(timestamp) || Math.abs(nowS - timestamp) > 60 * 5) return false;
  const expected = Buffer.from(slackSign(secret, timestamp, body));
  const given = Buffer.from(headers['x-slack-signature'] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function shopifySign(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export function shopifyVerify(secret: string, headers: Record<string, string | undefined>, body: Buffer): boolean {
  const expected = Buffer.from(shopifySign(secret, body));
  const given = Buffer.from(headers['x-shopify-hmac-sha256'] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
