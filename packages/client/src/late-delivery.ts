import type { RequestHead } from '@hookline/protocol';
import { type Lateness, lateDelivery, resignLate, type SignatureConfig } from '@hookline/signatures';
import type { HoldBudget } from './held-body.js';

/** How a tunnel treats queued webhooks whose signature aged past the provider's tolerance. */
export interface LateDeliveryOptions {
  /** Signing secrets: a late delivery from a provider with a secret here is re-signed. @default none */
  signatures?: SignatureConfig;
  /** Re-sign late deliveries when the secret is known. @default true */
  resign?: boolean;
  /**
   * Most body bytes held to re-sign one delivery (the signature covers every
   * byte, so nothing can be sent before the last one). Larger bodies go as they
   * came. @default 32 MiB, the relay's default body limit: any queued webhook fits
   */
  maxBodyBytes?: number;
  /**
   * Most body bytes held at once across the tunnel's deliveries (`parallel:N`
   * queues deliver N at a time); a delivery that would pass it goes as it came.
   * @default 64 MiB
   */
  maxHeldBytes?: number;
}

export const DEFAULT_MAX_RESIGN_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_HELD_BYTES = 64 * 1024 * 1024;

/** What happened to a late delivery: on the `exchange` event, in captures, logs and the inspector. */
export interface LateDelivery extends Lateness {
  /** Re-signed over the exact bytes with a fresh timestamp (event id and `webhook-id` kept). */
  resigned: boolean;
  /** One line for people: "delivered 600 s late; …". */
  message: string;
}

/** A late delivery on its way: re-signed once its body is whole, or already decided. */
export interface LatePlan {
  /** Hold the body and call `finish` with it. */
  resign: boolean;
  note: LateDelivery;
  /** The whole body arrived: headers to forward instead, or null to forward them as they came. */
  finish(body: Buffer): string[] | null;
  /** The body was over its bound, or the tunnel's budget: forwarded as it came. */
  tooLarge(why: 'body' | 'budget'): void;
  readonly maxBodyBytes: number;
  readonly budget: HoldBudget;
}

function note(lateness: Lateness, resigned: boolean, rest: string): LateDelivery {
  return { ...lateness, resigned, message: `delivered ${lateness.delayS} s late; ${rest}` };
}

/**
 * Decide, from the head alone, what to do with a queued delivery: nothing when it
 * is not late (or not queued: a live request with an old signature is a replay
 * to refuse, not a delay to hide); a warning when hookline cannot re-sign it; a
 * re-sign once the body is whole.
 */
export function planLateDelivery(
  head: RequestHead,
  options: LateDeliveryOptions,
  clock: () => number,
  budget: HoldBudget,
): LatePlan | null {
  if (!head.delivery) return null;
  const config = options.signatures ?? { secrets: {} };
  const lateness = lateDelivery(head.headers, { receivedAt: head.receivedAt, now: clock() }, config.generic);
  if (!lateness) return null;
  const secret = config.secrets[lateness.provider];
  const hasSecret = secret !== undefined && secret !== '';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_RESIGN_BYTES;
  const plan: LatePlan = {
    resign: hasSecret && options.resign !== false,
    maxBodyBytes,
    budget,
    note: note(
      lateness,
      false,
      hasSecret
        ? 'your app may reject the signature (re-signing is off: --no-resign-late)'
        : `your app may reject the signature (add --secret ${lateness.provider}=…)`,
    ),
    finish(body) {
      // The fresh timestamp is taken when the body is whole, just before it is sent.
      const result = resignLate({ headers: head.headers, body }, config, clock());
      if (!result.resigned) {
        plan.note = note(lateness, false, result.reason);
        return null;
      }
      plan.note = note(lateness, true, 're-signed with a fresh timestamp');
      return result.headers;
    },
    tooLarge(why) {
      const reason =
        why === 'body'
          ? `the body is over ${maxBodyBytes} bytes`
          : 'the tunnel is holding as many bytes as it may (maxHeldBytes)';
      plan.note = note(lateness, false, `not re-signed: ${reason}`);
    },
  };
  return plan;
}
