/**
 * Why this file: the peers (sshd, `ssh -R`, nginx) are not Node processes that print a
 * ready line as spawnTs expects. This starts such a binary, waits until a TCP port
 * accepts, stops it (SIGTERM, then SIGKILL) whatever happened, and reads the process
 * tree from /proc: sshd forks a process pair per session, nginx its workers, and their
 * CPU is the tunnel's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Daemon {
  pid: number;
  /** The last few KiB it wrote on stdout and stderr (for error messages). */
  output(): string;
  /** Whether it has exited. */
  gone(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Start `file` with `args`, stdout and stderr kept (the tail) for error messages. */
export function startDaemon(file: string, args: string[]): Daemon {
  const child: ChildProcess = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      keep(Buffer.from(`${error.message}\n`));
      resolve();
    });
  }).then(() => {
    exited = true;
  });
  return {
    pid: child.pid ?? -1,
    output: () => tail.trim(),
    gone: () => exited,
    async stop(graceMs = 3_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Wait until 127.0.0.1:`port` accepts; fail early when `daemon` exits meanwhile. */
export async function waitForPort(port: number, daemon: Daemon, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (daemon.gone()) throw new Error(`${what} exited: ${daemon.output() || 'no output'}`);
    if (Date.now() > deadline) throw new Error(`${what}: port ${port} not accepting after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Every live descendant of `pid` (children, their children…), from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent is the second field after the parenthesised command name.
      const parent = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // Gone between readdir and read.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** A process's title as `ps` shows it (sshd and nginx rewrite theirs: "sshd: root@notty"). */
export function title(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** SIGTERM processes that are not our children (sshd's session pair), SIGKILL those left after `graceMs`. */
export async function terminate(pids: readonly number[], graceMs = 3_000): Promise<void> {
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  // A zombie still has a /proc entry: its stat state is Z, which counts as gone.
  const alive = (pid: number) => {
    if (!existsSync(`/proc/${pid}`)) return false;
    try {
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  };
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
}
