import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One parsed log line of the service. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

export interface ServiceProcess {
  child: ChildProcess;
  /** Every stdout line, parsed; a line that is not JSON fails the test that reads `badLines`. */
  logs: LogLine[];
  badLines: string[];
  stderr(): string;
  /** Resolves when the process is gone, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first log line matching, waiting for it to arrive. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
}

export interface ReadyService extends ServiceProcess {
  url: string;
  port: number;
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const running = new Set<ChildProcess>();

/**
 * Run apps/relay as its own node process (`node --import tsx`, one process, so
 * signals reach the relay itself). The parent's `HOOKLINE_*` variables are not
 * passed on: each test says exactly what the service sees. `XDG_DATA_HOME` is a
 * fresh folder of its own, so the default data dir is never the user's (nor shared
 * by two tests: one relay per data dir).
 */
export function spawnService(args: string[], env: Record<string, string> = {}, entry = MAIN): ServiceProcess {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('HOOKLINE_')));
  const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const dataHome = mkdtempSync(join(tmpdir(), 'hookline-service-data-'));
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, NODE_ENV: 'production', XDG_DATA_HOME: dataHome, ...env },
  });
  running.add(child);
  const logs: LogLine[] = [];
  const badLines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let closed = false;
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      badLines.push(line);
    }
    for (const wake of waiters) wake();
  });
  // 'close', not 'exit': only then has all of stdout and stderr been read.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      closed = true;
      running.delete(child);
      rmSync(dataHome, { recursive: true, force: true });
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );
  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 20_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(match);
        if (found) return done(() => resolve(found));
        if (closed) {
          done(() => reject(new Error(`service exited (${child.exitCode ?? child.signalCode}) first: ${stderr}`)));
        }
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no such log line in time; stderr: ${stderr}`))),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  return { child, logs, badLines, stderr: () => stderr, exited, waitForLog };
}

/** Spawn and wait for the `relay listening` line, which carries the bound URL and port. */
export async function startService(
  args: string[],
  env: Record<string, string> = {},
  entry = MAIN,
): Promise<ReadyService> {
  const service = spawnService(['--port', '0', ...args], env, entry);
  const ready = await service.waitForLog((line) => line.msg === 'relay listening');
  return { ...service, url: String(ready.url), port: Number(ready.port) };
}

/** SIGKILL every service process still running (afterEach). */
export async function killServices(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
