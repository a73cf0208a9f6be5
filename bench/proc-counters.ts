import { readFileSync } from 'node:fs';

export interface ProcessCounters {
  /** utime + stime in ms (Linux: clock ticks of 10 ms). */
  cpuMs: number;
  /** stime alone: syscalls, page faults, wake-ups of other processes. */
  kernelMs: number;
  /** Minor page faults: first touches of fresh memory (costly in a VM). */
  faults: number;
}

/** A process's CPU time and page faults so far, from /proc (all its threads). */
export function counters(pid: number): ProcessCounters {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  const kernelMs = Number(fields[12]) * 10;
  return { cpuMs: Number(fields[11]) * 10 + kernelMs, kernelMs, faults: Number(fields[7]) };
}

/** Peak resident set (VmHWM) and current RSS in bytes. */
export function residentBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}
