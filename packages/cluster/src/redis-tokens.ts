import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashToken, type TokenRecord, type TokenVerifier } from '@hookline/relay';
import type { Redis } from 'ioredis';

const tokensKey = (prefix: string) => `${prefix}tokens`;

/** Create a token in the cluster's Redis: shown once, stored as sha256. */
export async function createRedisToken(redis: Redis, prefix: string, label = '') {
  const token = `hl_${randomBytes(24).toString('base64url')}`;
  const hash = hashToken(token);
  const record: TokenRecord = { id: hash.slice(0, 12), hash, label, createdAt: new Date().toISOString() };
  await redis.hset(tokensKey(prefix), record.id, JSON.stringify(record));
  await redis.publish(`${prefix}events`, JSON.stringify({ type: 'tokens' }));
  return { token, record };
}

export async function listRedisTokens(redis: Redis, prefix: string): Promise<TokenRecord[]> {
  return Object.values(await redis.hgetall(tokensKey(prefix))).map((value) => JSON.parse(value) as TokenRecord);
}

export async function revokeRedisToken(redis: Redis, prefix: string, id: string): Promise<TokenRecord | null> {
  const value = await redis.hget(tokensKey(prefix), id);
  if (!value) return null;
  const record = JSON.parse(value) as TokenRecord;
  if (record.revokedAt) return null;
  record.revokedAt = new Date().toISOString();
  await redis.hset(tokensKey(prefix), id, JSON.stringify(record));
  await redis.publish(`${prefix}events`, JSON.stringify({ type: 'tokens' }));
  return record;
}

/**
 * Token checks against the cluster's token hash, from a local copy (checks are
 * synchronous) refreshed on change notices and every few seconds as a backstop.
 * Same constant-time comparison as the file store.
 */
export class RedisTokenVerifier implements TokenVerifier {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #fixed: Array<{ id: string; hash: string }>;
  #stored: Array<{ id: string; hash: string }> = [];

  constructor(redis: Redis, prefix: string, fixedTokens: readonly string[]) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#fixed = fixedTokens.map((token) => ({ id: hashToken(token).slice(0, 12), hash: hashToken(token) }));
  }

  async refresh(): Promise<void> {
    this.#stored = (await listRedisTokens(this.#redis, this.#prefix)).filter((token) => !token.revokedAt);
  }

  verify(token: string | undefined): string | null {
    if (!token) return null;
    const candidate = Buffer.from(hashToken(token), 'hex');
    let match: string | null = null;
    for (const entry of [...this.#fixed, ...this.#stored]) {
      if (timingSafeEqual(Buffer.from(entry.hash, 'hex'), candidate)) match = entry.id;
    }
    return match;
  }
}
