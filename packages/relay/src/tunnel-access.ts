import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { removeRawHeaders } from './raw-headers.js';

/** Who may call a tunnel's public URL (set by its client, enforced at the relay). */
export interface AccessPolicy {
  /** sha256 (hex) of `user:password`; the relay never keeps the password itself. */
  basicAuthHash?: string;
  /** CIDR ranges callers must come from, e.g. `203.0.113.0/24`. */
  allowCidr?: string[];
  /** Forward the `Authorization` header basic auth consumed (the client's `--forward-auth`). */
  forwardAuth?: boolean;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

export function hashBasicAuth(credentials: string): string {
  return createHash('sha256').update(credentials).digest('hex');
}

/** Why a CIDR list is unusable, or null. */
export function cidrProblem(list: readonly string[]): string | null {
  for (const cidr of list) {
    const [address, prefix] = cidr.split('/');
    const bits = Number(prefix);
    const v4 = isIPv4(address ?? '');
    if (!(v4 || isIPv6(address ?? '')) || !Number.isInteger(bits) || bits < 0 || bits > (v4 ? 32 : 128)) {
      return `not a CIDR range: "${cidr}" (e.g. 203.0.113.0/24)`;
    }
  }
  return null;
}

const blockLists = new WeakMap<readonly string[], BlockList>();

function blockListOf(cidrs: readonly string[]): BlockList {
  let list = blockLists.get(cidrs);
  if (!list) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const [address, prefix] = cidr.split('/') as [string, string];
      list.addSubnet(address, Number(prefix), isIPv4(address) ? 'ipv4' : 'ipv6');
    }
    blockLists.set(cidrs, list);
  }
  return list;
}

/**
 * The caller's address: the socket's, or the first `x-forwarded-for` hop when
 * the relay runs behind a proxy it was told to trust.
 */
export function callerAddress(req: IncomingMessage, trustProxy: boolean): string {
  const socket = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!trustProxy) return socket;
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || socket;
}

/** Check a caller against a tunnel's policy: 401 (with a challenge) or 403, or ok. */
export function checkAccess(
  policy: AccessPolicy | undefined,
  req: IncomingMessage,
  trustProxy: boolean,
): AccessDecision {
  if (!policy) return { ok: true };
  if (policy.allowCidr && policy.allowCidr.length > 0) {
    const address = callerAddress(req, trustProxy);
    const type = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    if (!type || !blockListOf(policy.allowCidr).check(address, type)) {
      return {
        ok: false,
        status: 403,
        message: `caller address ${address || 'unknown'} is not allowed on this tunnel`,
      };
    }
  }
  if (policy.basicAuthHash) {
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const presented = match ? hashBasicAuth(Buffer.from(match[1] as string, 'base64').toString('utf8')) : '';
    const expected = Buffer.from(policy.basicAuthHash, 'hex');
    const given = presented ? Buffer.from(presented, 'hex') : Buffer.alloc(expected.length);
    if (!presented || !timingSafeEqual(expected, given)) {
      return { ok: false, status: 401, message: 'this tunnel needs a user name and password' };
    }
  }
  return { ok: true };
}

/**
 * The `Authorization` header that carried the tunnel's own basic-auth password
 * was for the relay: drop it before the request is forwarded, queued or
 * captured (the local server, the queue files and the capture file never hold
 * it), unless the tunnel asked for it with `forwardAuth`.
 */
export function dropConsumedCredentials(req: IncomingMessage, policy: AccessPolicy | undefined): void {
  if (policy?.basicAuthHash && !policy.forwardAuth) removeRawHeaders(req, ['authorization']);
}
