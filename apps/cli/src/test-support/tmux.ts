/** Drive a program in a real terminal: tmux with its own server socket, 80×24 by default. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface TmuxSession {
  /** Type keys (`Enter`, `Escape`, `Up`…) or, with `literal`, text as is. */
  keys(keys: string[], literal?: boolean): void;
  /** The screen as text, one line per row. */
  screen(): string;
  /** Poll the screen until it matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Kill the tmux server and everything in it. */
  kill(): void;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Run `argv` in a new detached tmux session with exactly `env` (nothing else
 * leaks in, CI and NODE_ENV included). The pane keeps its last screen after the
 * program exits, and prints `[exited N]` then.
 */
export function startTmux(argv: string[], env: Record<string, string>, size = { columns: 80, rows: 24 }): TmuxSession {
  const socket = `hookline-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmux = (args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const assignments = Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`);
  const command = `env -i ${assignments.join(' ')} ${argv.map(quote).join(' ')}; echo "[exited $?]"; sleep 600`;
  tmux([
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(size.columns),
    '-y',
    String(size.rows),
    command,
  ]);
  const session: TmuxSession = {
    keys(keys, literal = false) {
      tmux(['send-keys', '-t', 'main', ...(literal ? ['-l'] : []), ...keys]);
    },
    screen: () => tmux(['capture-pane', '-p', '-t', 'main']),
    async waitFor(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        last = session.screen();
        if (pattern.test(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`screen never matched ${pattern}:\n${last}`);
    },
    kill() {
      try {
        tmux(['kill-server']);
      } catch {
        // already gone
      }
    },
  };
  return session;
}
