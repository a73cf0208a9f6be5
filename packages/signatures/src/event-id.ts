import { standardId } from './providers/standard.js';
import { headerValue } from './raw-headers.js';
import { detectScheme } from './schemes.js';
import type { GenericHmacConfig, ProviderId, SignedRequest } from './types.js';

/** A provider's id for the event a request delivers: the same id twice means a resend. */
export interface EventId {
  provider: ProviderId;
  id: string;
}

/** Only this much of a body is parsed for an id: webhook events are small. */
const MAX_JSON_BYTES = 1024 * 1024;

function jsonField(body: Uint8Array, field: string): string | null {
  if (body.length === 0 || body.length > MAX_JSON_BYTES || body[0] !== 0x7b /* { */) return null;
  try {
    const value = (JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>)[field];
    return typeof value === 'string' && value !== '' ? value : null;
  } catch {
    return null;
  }
}

/**
 * The provider event id of a request, or null: Stripe's event `id` from the
 * JSON body, `X-GitHub-Delivery`, `webhook-id` (Standard Webhooks / Svix),
 * `X-Shopify-Webhook-Id`, Slack's `event_id`. Found from headers alone, so it
 * needs no secret.
 */
export function eventIdOf(request: SignedRequest, generic?: GenericHmacConfig): EventId | null {
  const found = (provider: ProviderId, id: string | null | undefined): EventId | null => (id ? { provider, id } : null);
  const delivery = headerValue(request.headers, 'X-GitHub-Delivery');
  if (delivery) return found('github', delivery);
  const shopifyId = headerValue(request.headers, 'X-Shopify-Webhook-Id');
  if (shopifyId) return found('shopify', shopifyId);
  switch (detectScheme(request.headers, generic)?.id) {
    case 'stripe':
      return found('stripe', jsonField(request.body, 'id'));
    case 'standard':
      return found('standard', standardId(request));
    case 'slack':
      return found('slack', jsonField(request.body, 'event_id'));
    default:
      return null;
  }
}
