import { spawn } from 'node:child_process';
import { platform as osPlatform } from 'node:os';

/** Clipboard programs to try, in order, for this platform and session. */
function candidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[][] {
  if (platform === 'darwin') return [['pbcopy']];
  if (platform === 'win32') return [['clip']];
  const list: string[][] = [];
  if (env.WAYLAND_DISPLAY) list.push(['wl-copy']);
  if (env.DISPLAY) list.push(['xclip', '-selection', 'clipboard'], ['xsel', '--clipboard', '--input']);
  return list;
}

function pipeTo(argv: string[], text: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const [command, ...args] = argv as [string, ...string[]];
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'], env });
    const timer = setTimeout(() => child.kill(), 3_000);
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
}

/** Copy text to the system clipboard; false when no clipboard program works here. */
export async function copyToClipboard(
  text: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = osPlatform(),
): Promise<boolean> {
  for (const argv of candidates(platform, env)) if (await pipeTo(argv, text, env)) return true;
  return false;
}
