/** Line diffs for comparing two captures; pure, so the page and tests share it. */

export type DiffLine = { op: ' ' | '-' | '+'; text: string };

/** Past this many cells the LCS table is not built: the differing middle is shown as removed, then added. */
const MAX_CELLS = 4_000_000;

/**
 * `a` → `b` as kept / removed / added lines (longest common subsequence on the
 * part between the common prefix and suffix). Bounded: two bodies of thousands of
 * lines that differ everywhere fall back to a block replacement, never a hang.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const head = a.slice(0, start).map((text): DiffLine => ({ op: ' ', text }));
  const tail = a.slice(endA).map((text): DiffLine => ({ op: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > MAX_CELLS) {
    return [
      ...head,
      ...midA.map((text): DiffLine => ({ op: '-', text })),
      ...midB.map((text): DiffLine => ({ op: '+', text })),
      ...tail,
    ];
  }
  // lcs[i][j]: length of the LCS of midA[i..] and midB[j..], flat.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        midA[i] === midB[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number);
    }
  }
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (midA[i] === midB[j]) {
      middle.push({ op: ' ', text: midA[i] as string });
      i += 1;
      j += 1;
    } else if ((lcs[(i + 1) * width + j] as number) >= (lcs[i * width + j + 1] as number)) {
      middle.push({ op: '-', text: midA[i] as string });
      i += 1;
    } else {
      middle.push({ op: '+', text: midB[j] as string });
      j += 1;
    }
  }
  while (i < n) middle.push({ op: '-', text: midA[i++] as string });
  while (j < m) middle.push({ op: '+', text: midB[j++] as string });
  return [...head, ...middle, ...tail];
}
