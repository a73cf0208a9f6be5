/** Helpers over Node's flat raw header list (`[name, value, name, value…]`), case-insensitive. */

export function headerValue(headers: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < headers.length; i += 2) {
    // Length first: every capture asks this of each provider's headers, and a
    // lower-cased copy of every name each time was most of its cost.
    const current = headers[i] as string;
    if (current.length === lower.length && current.toLowerCase() === lower) return headers[i + 1];
  }
  return undefined;
}

/**
 * Replace a header's value where it stands (first occurrence; later repeats are
 * dropped so the request cannot carry two conflicting signatures), keeping its
 * spelling; appended when absent. Every other header keeps its place and case.
 */
export function withHeader(headers: readonly string[], name: string, value: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  let set = false;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const current = headers[i] as string;
    if (current.toLowerCase() !== lower) out.push(current, headers[i + 1] as string);
    else if (!set) {
      out.push(current, value);
      set = true;
    }
  }
  if (!set) out.push(name, value);
  return out;
}
