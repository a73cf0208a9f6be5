import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEPLOYED_RELAY_ENV } from './relay-env.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}apps/relay/dist/main.js`;

export interface BundledRelay {
  pid: number;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * The relay service as deployed (apps/relay's bundle, built when missing), on a free
 * port, keeping nothing on disk; `args` are more of its flags.
 */
export async function startBundledRelay(args: readonly string[] = []): Promise<BundledRelay> {
  if (!existsSync(bundle))
    execFileSync('npm', ['run', 'build', '-w', '@hookline/relay-service'], { cwd: root, stdio: 'ignore' });
  const flags = [bundle, '--port', '0', '--auth', 'none', '--data-dir', ':memory:', ...args];
  const child: ChildProcess = spawn(process.execPath, flags, {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, ...DEPLOYED_RELAY_ENV },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'relay listening' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`relay service exited with ${code}`)));
  });
  return {
    pid: child.pid as number,
    url: `http://127.0.0.1:${port}`,
    port,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
