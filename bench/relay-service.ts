import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEPLOYED_RELAY_ENV } from './relay-env.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}apps/relay/dist/main.js`;

/** The relay service as deployed (apps/relay's bundle, built when missing), on a free port. */
export async function startBundledRelay(): Promise<{ pid: number; url: string; stop(): Promise<void> }> {
  if (!existsSync(bundle))
    execFileSync('npm', ['run', 'build', '-w', '@hookline/relay-service'], { cwd: root, stdio: 'ignore' });
  const child: ChildProcess = spawn(process.execPath, [bundle, '--port', '0', '--auth', 'none'], {
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
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
