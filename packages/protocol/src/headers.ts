/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never the exchange. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Drop hop-by-hop headers and any header the `Connection` header names from a
 * flat raw header list. With `keepUpgrade`, `Connection: upgrade` and `Upgrade`
 * survive, because an upgrade request only means something with them.
 */
export function stripHopByHop(raw: readonly string[], keepUpgrade = false): string[] {
  const named = connectionTokens(raw);
  const out: string[] = [];
  let connectionKept = false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (keepUpgrade && lower === 'connection') {
      if (!connectionKept) out.push(name, 'Upgrade');
      connectionKept = true;
      continue;
    }
    if (keepUpgrade && lower === 'upgrade') {
      out.push(name, raw[i + 1] as string);
      continue;
    }
    if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

const NO_TOKENS: ReadonlySet<string> = new Set();

function connectionTokens(raw: readonly string[]): ReadonlySet<string> {
  let tokens: Set<string> | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if ((raw[i] as string).toLowerCase() !== 'connection') continue;
    tokens ??= new Set<string>();
    for (const token of (raw[i + 1] as string).split(',')) {
      const t = token.trim().toLowerCase();
      if (t && t !== 'upgrade') tokens.add(t);
    }
  }
  return tokens ?? NO_TOKENS;
}

/** First value of a header in a flat raw list, case-insensitive. */
export function getRawHeader(raw: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const current = raw[i] as string;
    // Length first: no lower-cased copy of every other name (this runs per request).
    if (current.length === lower.length && current.toLowerCase() === lower) return raw[i + 1];
  }
  return undefined;
}

/** The Content-Length of a flat raw list when it is one plain number (a parser has checked it); null otherwise. */
export function declaredContentLength(raw: readonly string[]): number | null {
  const value = getRawHeader(raw, 'content-length');
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : null;
}

/**
 * Group a flat raw list into the object form `http.request` wants (Node 20 rejects
 * flat arrays there). Repeated headers become arrays; the first spelling wins.
 */
export function rawHeadersToObject(raw: readonly string[]): Record<string, string | string[]> {
  // No prototype: a header named `__proto__` must stay an ordinary key.
  const out: Record<string, string | string[]> = Object.create(null);
  const spelling = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    const key = spelling.get(lower);
    if (key === undefined) {
      spelling.set(lower, name);
      out[name] = value;
      continue;
    }
    const current = out[key];
    if (Array.isArray(current)) current.push(value);
    else out[key] = [current as string, value];
  }
  return out;
}
