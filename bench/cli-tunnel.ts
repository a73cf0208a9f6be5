import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../apps/cli/bin/hookline.js', import.meta.url));

/**
 * `hookline http <port> --relay <url> --json` as a user runs it: the CLI build,
 * captures on (its own temp data dir), one JSON line per exchange on stdout,
 * which is drained here.
 */
export async function startCliTunnel(
  relay: string,
  target: number,
  name: string,
): Promise<{ pid: number; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-cli-'));
  // HOOKLINE_CHILD_NODE_ARGS: extra node flags for profiling, as for spawnTs.
  const extra = process.env.HOOKLINE_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...extra, cli, 'http', String(target), '--relay', relay, '--name', name, '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HOOKLINE_DATA_DIR: dataDir } },
  );
  await new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('{"type":"ready"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hookline http exited with ${code}`)));
  });
  return {
    pid: child.pid as number,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
