import type { ClaimResult, TunnelHolder, TunnelRegistry } from '@hookline/relay';
import type { Redis } from 'ioredis';

/** A route as stored: which node holds the tunnel, under which fencing epoch. */
export interface RouteRecord extends TunnelHolder {
  node: string;
  epoch: number;
}

// Claim (mayReplace in @hookline/relay's registry.ts): free, or held by the same client, or by the
// same token with takeover (ARGV[3] = '1') → take it with a new epoch.
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
local new = cjson.decode(ARGV[1])
if cur then
  local c = cjson.decode(cur)
  if c.owner ~= new.owner then return {0, cur} end
  if c.clientId ~= new.clientId and ARGV[3] ~= '1' then return {0, cur} end
end
new.epoch = redis.call('INCR', KEYS[2])
local value = cjson.encode(new)
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return {1, value, cur or ''}
`;
// Renew only while we still hold it (same session and epoch): otherwise we were fenced.
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local c = cjson.decode(cur)
if c.sessionId ~= ARGV[1] or tostring(c.epoch) ~= ARGV[2] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if cur and cjson.decode(cur).sessionId == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * The cluster's routing table, `name → {node, epoch, session}` with a lease the
 * holding node renews. Every claim increments the name's epoch; a node whose
 * renewal finds another epoch has lost the tunnel and must stop answering for it.
 */
export class RedisRegistry implements TunnelRegistry {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #node: string;
  readonly #leaseMs: number;

  constructor(redis: Redis, options: { prefix: string; node: string; leaseMs: number }) {
    this.#redis = redis;
    this.#prefix = options.prefix;
    this.#node = options.node;
    this.#leaseMs = options.leaseMs;
  }

  #key(name: string): string {
    return `${this.#prefix}route:${name}`;
  }

  async claim(name: string, holder: TunnelHolder, takeover = false): Promise<ClaimResult> {
    const wanted = { ...holder, owner: holder.owner ?? null, node: this.#node };
    const [ok, value, previous] = (await this.#redis.eval(
      CLAIM,
      2,
      this.#key(name),
      `${this.#prefix}epoch:${name}`,
      JSON.stringify(wanted),
      String(this.#leaseMs),
      takeover ? '1' : '0',
    )) as [number, string, string?];
    if (ok !== 1) return { ok: false, holder: JSON.parse(value) as RouteRecord };
    const record = JSON.parse(value) as RouteRecord;
    return { ok: true, replaced: previous ? (JSON.parse(previous) as RouteRecord) : null, epoch: record.epoch };
  }

  /** Keep holding `name`; false when the route moved to someone else (fenced) or lapsed. */
  async renew(name: string, sessionId: string, epoch: number): Promise<boolean> {
    const result = await this.#redis.eval(RENEW, 1, this.#key(name), sessionId, String(epoch), String(this.#leaseMs));
    return result === 1;
  }

  async release(name: string, sessionId: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#key(name), sessionId);
  }

  async holderOf(name: string): Promise<RouteRecord | undefined> {
    const value = await this.#redis.get(this.#key(name));
    return value ? (JSON.parse(value) as RouteRecord) : undefined;
  }
}
