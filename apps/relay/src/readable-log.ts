/**
 * One pino JSON line as a person reads it in a terminal:
 * `12:00:01.123 INFO  relay listening url=http://127.0.0.1:4747 port=4747`.
 * The same fields as the JSON line, nothing dropped but the ones the prefix shows.
 */
export function readableLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const { time, level, msg, name: _name, pid: _pid, hostname: _host, err, ...fields } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${shown(value)}`);
  let line = `${clock} ${String(level).toUpperCase().padEnd(5)} ${String(msg ?? '')}`;
  if (pairs.length > 0) line += ` ${pairs.join(' ')}`;
  // A crash's stack is what the reader needs next; indented so it reads as part of the line.
  if (err && typeof err === 'object') {
    const { message, stack } = err as { message?: string; stack?: string };
    line += ` err=${shown(message ?? err)}`;
    if (stack) line += `\n  ${stack.split('\n').join('\n  ')}`;
  } else if (err !== undefined) {
    line += ` err=${shown(err)}`;
  }
  return `${line}\n`;
}

/** Strings bare unless they hold a space, a quote or nothing; anything else as JSON. */
function shown(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
