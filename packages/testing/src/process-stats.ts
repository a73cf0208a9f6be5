import { readFileSync, writeFileSync } from 'node:fs';

/** Current and peak resident set size of a process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Reset the kernel's peak-RSS counter (VmHWM) so a later reading covers only what follows. */
export function resetPeak(pid: number): void {
  try {
    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0).
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted: the reading then includes start-up, which only overstates growth.
  }
}
