import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/cli/bin/hookline.js', import.meta.url));

export interface CliTunnel {
  pid: number;
  /** The tunnel's path-routed URL on 127.0.0.1 (`http://127.0.0.1:<port>/t/<name>`). */
  url: string;
  /** Its capture data dir (a temp dir unless given; removed by `stop()` unless given). */
  dataDir: string;
  stop(): Promise<void>;
  /** kill -9: no shutdown, nothing flushed. */
  kill(): Promise<void>;
}

export interface CliTunnelOptions {
  /** A relay to use; null starts the embedded one (as `hookline http <port>` alone does). */
  relay: string | null;
  target: number;
  name: string;
  /** More flags (`--no-capture`, `--max-captures`…). */
  args?: string[];
  dataDir?: string;
  /** Another build's `bin/hookline.js`, to compare two builds in the same run. @default this checkout's */
  cli?: string;
}

/**
 * `hookline http <port> [--relay <url>] --json` as a user runs it: the CLI build,
 * captures on unless told (its own data dir), one JSON line per exchange on
 * stdout, which is drained here.
 */
export async function startCli(options: CliTunnelOptions): Promise<CliTunnel> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hookline-bench-cli-'));
  // HOOKLINE_CHILD_NODE_ARGS: extra node flags for profiling, as for spawnTs.
  const extra = process.env.HOOKLINE_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const relay = options.relay === null ? [] : ['--relay', options.relay];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...extra,
      options.cli ?? cli,
      'http',
      String(options.target),
      ...relay,
      '--name',
      options.name,
      '--json',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HOOKLINE_DATA_DIR: dataDir } },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (!line.startsWith('{"type":"ready"')) return;
      const ready = JSON.parse(line) as { urls: string[]; name: string };
      const routed = new URL(ready.urls.find((u) => u.includes('/t/')) ?? ready.urls[0] ?? '');
      resolve(`http://127.0.0.1:${routed.port}/t/${ready.name}`);
    });
    child.once('exit', (code) => reject(new Error(`hookline http exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const end = async (signal: NodeJS.Signals) => {
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    pid: child.pid as number,
    url,
    dataDir,
    async stop() {
      await end('SIGTERM');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
  };
}

/** `hookline http` against a separate relay (the bench's), captures on. */
export async function startCliTunnel(
  relay: string,
  target: number,
  name: string,
): Promise<{ pid: number; stop(): Promise<void> }> {
  return startCli({ relay, target, name });
}
