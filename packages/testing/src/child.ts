import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ClusterOptions } from '@hookline/cluster';
import type { RelayOptions } from '@hookline/relay';

export interface NodeChild<Ready> {
  child: ChildProcess;
  pid: number;
  /** The first JSON line the process printed. */
  ready: Ready;
  /** Later stdout lines, as they come. */
  lines: string[];
  /** The next stdout line (after now) that matches; fails after `timeoutMs`. */
  nextLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now (crash simulation); resolves when the process is gone. */
  kill(): Promise<void>;
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface SpawnOptions {
  /** @default 20 000 */
  timeoutMs?: number;
  /** Extra environment on top of this process's own. */
  env?: Record<string, string>;
  /** Extra node flags (e.g. `--expose-gc`), before the loader and the script. */
  nodeArgs?: string[];
}

/**
 * Run a script in one node process: TypeScript through tsx's loader (not `npx
 * tsx`, which forks three), JavaScript (a bundle) with plain node.
 */
export async function spawnTs<Ready>(
  script: string,
  args: string[],
  { timeoutMs = 20_000, env = {}, nodeArgs = [] }: SpawnOptions = {},
): Promise<NodeChild<Ready>> {
  // HOOKLINE_CHILD_NODE_ARGS: extra node flags for profiling (e.g. --cpu-prof), which NODE_OPTIONS refuses.
  const extra = process.env.HOOKLINE_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...extra, ...nodeArgs, ...loader, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in time: ${stderr}`)), timeoutMs);
    const reader = createInterface({ input: child.stdout! });
    let first = true;
    reader.on('line', (line) => {
      if (!first) {
        lines.push(line);
        for (const listener of [...lineListeners]) listener(line);
        return;
      }
      first = false;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Ready);
      } catch {
        reject(new Error(`${script} printed ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderr}`));
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    pid: child.pid as number,
    ready,
    lines,
    nextLine(pattern, lineTimeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${script} printed no line matching ${pattern} in ${lineTimeoutMs} ms: ${stderr}`));
        }, lineTimeoutMs);
        const done = () => {
          clearTimeout(timer);
          lineListeners.delete(listener);
        };
        lineListeners.add(listener);
      });
    },
    async stop(graceMs = 3_000) {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface RelayReady {
  url: string;
  port: number;
}

export interface ClientReady {
  url: string;
  urls: string[];
  name: string;
}

/** What `relay-process.ts` is started with (JSON: no functions, so a cluster is given by its options). */
export interface RelayProcessConfig {
  port?: number;
  graceMs?: number;
  options?: Omit<RelayOptions, 'cluster' | 'logger' | 'observer'>;
  /** Run as a node of this cluster (`@hookline/cluster`'s `redisCluster`). */
  cluster?: ClusterOptions;
}

export function spawnRelay(
  config: RelayProcessConfig = {},
  spawnOptions?: SpawnOptions,
): Promise<NodeChild<RelayReady>> {
  return spawnTs<RelayReady>(here('./relay-process.ts'), [JSON.stringify(config)], spawnOptions);
}

export interface EmbeddedReady extends RelayReady {
  name: string;
}

/** A relay and a client in one process over the in-process link (`hookline http`'s shape). */
export function spawnEmbedded(config: { relay?: object; tunnel: object }): Promise<NodeChild<EmbeddedReady>> {
  return spawnTs<EmbeddedReady>(here('./embedded-process.ts'), [JSON.stringify(config)]);
}

export function spawnClient(options: object): Promise<NodeChild<ClientReady>> {
  return spawnTs<ClientReady>(here('./client-process.ts'), [JSON.stringify(options)]);
}
