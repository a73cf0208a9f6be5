import { createHmac } from 'node:crypto';

/** The secret bench/webhook-origin.ts verifies with. */
export const WEBHOOK_SECRET = 'whsec_bench';

/** Stripe-style headers for one body, fixed timestamp (the receiver checks only the HMAC). */
export function signedHeaders(body: Buffer): Record<string, string> {
  const timestamp = '1700000000';
  const signature = createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.`).update(body).digest('hex');
  return { 'content-type': 'application/json', 'stripe-signature': `t=${timestamp},v1=${signature}` };
}
