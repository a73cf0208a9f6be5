/** Spawn the built `hookline` binary as a child process and wait for its output lines. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/cli/bin/hookline.js: the committed shim that runs dist/ when built. */
export const CLI_BIN = fileURLToPath(new URL('../../bin/hookline.js', import.meta.url));

export type StreamName = 'stdout' | 'stderr';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  output(stream: StreamName): string;
  /** Complete lines written so far. */
  lines(stream: StreamName): string[];
  /** The first line (past or future) matching `pattern`; rejects on timeout or exit. */
  waitForLine(stream: StreamName, pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<Exit>;
}

export interface SpawnCliOptions {
  cwd: string;
  /** The child's whole environment (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
}

const running = new Set<CliProcess>();

/**
 * The test's process env without any `HOOKLINE_*` setting, with config and state
 * dirs (and HOME) pointed at `dir` so no user file leaks into a test, and the web
 * inspector on any free port.
 */
export function isolatedEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HOOKLINE_')) env[key] = value;
  // Any free port for the web inspector: tests run side by side and would queue up on 4040.
  return {
    ...env,
    HOME: dir,
    XDG_CONFIG_HOME: dir,
    XDG_STATE_HOME: dir,
    NO_COLOR: '1',
    HOOKLINE_INSPECT_PORT: '0',
    ...extra,
  };
}

export function spawnCli(args: readonly string[], options: SpawnCliOptions): CliProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const text: Record<StreamName, string> = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  let exit: Exit | null = null;

  const exited = new Promise<Exit>((resolve) => {
    // 'close', not 'exit': it comes after the last output has been read.
    child.once('close', (code, signal) => {
      exit = { code, signal };
      running.delete(proc);
      resolve(exit);
      for (const listener of [...listeners]) listener();
    });
  });

  // A failed spawn or kill must show up in the test's output, not crash the worker.
  child.on('error', (error) => {
    text.stderr += `[spawn error] ${error.message}\n`;
  });

  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      text[stream] += chunk;
      for (const listener of [...listeners]) listener();
    });
  }

  const lines = (stream: StreamName): string[] => {
    const all = text[stream].split('\n');
    all.pop(); // an unfinished last line is not a line yet
    return all;
  };

  const describe = (): string =>
    `hookline ${args.join(' ')}\n--- stdout ---\n${text.stdout}\n--- stderr ---\n${text.stderr}`;

  const proc: CliProcess = {
    child,
    exited,
    output: (stream) => text[stream],
    lines,
    waitForLine(stream, pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          for (const line of lines(stream)) {
            const match = pattern.exec(line);
            if (match) return done(() => resolve(match));
          }
          if (exit)
            done(() => reject(new Error(`exited (${exit?.code ?? exit?.signal}) before ${pattern}: ${describe()}`)));
        };
        const timer = setTimeout(
          () =>
            done(() => reject(new Error(`no ${stream} line matching ${pattern} in ${timeoutMs} ms: ${describe()}`))),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 3_000) {
      if (exit) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  running.add(proc);
  return proc;
}

/** Run to completion (killed after `timeoutMs`) and collect the output. */
export async function runCli(
  args: readonly string[],
  options: SpawnCliOptions,
  timeoutMs = 15_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const proc = spawnCli(args, options);
  const timer = setTimeout(() => void proc.stop(), timeoutMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return { ...result, stdout: proc.output('stdout'), stderr: proc.output('stderr') };
}

/** Stop every child still running (for afterEach): no process outlives its test. */
export async function stopAllCli(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}

/** Build the CLI once if `dist/` is missing (a fresh clone runs `prepare`, which builds it). */
export function ensureCliBuilt(): void {
  const appDir = fileURLToPath(new URL('../..', import.meta.url));
  if (!existsSync(join(appDir, 'dist', 'hookline.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: appDir, stdio: 'inherit' });
  }
}

/**
 * `hookline http <port> --no-tui --name <name>` on an embedded relay, once it is
 * forwarding; `base` is its path-routed URL on 127.0.0.1 (`…/t/<name>`).
 */
export async function startHttpCli(
  port: number,
  name: string,
  options: SpawnCliOptions & { args?: string[] },
): Promise<{ proc: CliProcess; base: string }> {
  const proc = spawnCli(['http', String(port), '--no-tui', '--name', name, ...(options.args ?? [])], options);
  await proc.waitForLine('stdout', /^Forwarding /);
  const match = await proc.waitForLine('stdout', new RegExp(`^\\s+(http://\\S+/t/${name})$`));
  const url = new URL(match[1] as string);
  return { proc, base: `http://127.0.0.1:${url.port}${url.pathname}` };
}

/**
 * The `relay listening` log line of `hookline relay` (JSON: its stdout is a pipe
 * here); group 1 is the URL it listens on.
 */
export const RELAY_LISTENING = /^\{.*"url":"(http:\/\/[^"]+)".*"msg":"relay listening"/;

/** That line's fields. */
export interface RelayListening {
  url: string;
  port: number;
  dataDir: string | null;
  tunnels: string[];
}

/**
 * `hookline relay <args>` once it listens (pass `--port 0`); `url` is what it logged,
 * `base` the same on 127.0.0.1 (the logged host may be a domain).
 */
export async function startRelayCli(
  args: readonly string[],
  options: SpawnCliOptions,
): Promise<{ proc: CliProcess; url: string; port: number; base: string; listening: RelayListening }> {
  const proc = spawnCli(['relay', ...args], options);
  const line = await proc.waitForLine('stdout', RELAY_LISTENING);
  const listening = JSON.parse(line.input) as RelayListening;
  return { proc, url: listening.url, port: listening.port, base: `http://127.0.0.1:${listening.port}`, listening };
}
