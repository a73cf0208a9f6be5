/**
 * Why this file: the peers' binaries (sshd, nginx) are not on a fresh machine and are
 * no npm packages. When one is missing and we are root, it is installed from Debian
 * with apt-get (an `apt-get update` first only when the install fails); otherwise the
 * reason comes back, and the peer is skipped with that line instead of failing the bench.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
let updated = false;

function lastLine(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  const lines = (stderr || message || String(error)).trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** Null when `binary` is there (or was just installed from `debianPackage`), else why not. */
export async function ensureBinary(binary: string, debianPackage: string): Promise<string | null> {
  if (existsSync(binary)) return null;
  if (process.getuid?.() !== 0) return `${binary} missing and not root (apt-get install ${debianPackage})`;
  if (!existsSync('/usr/bin/apt-get')) return `${binary} missing and no apt-get to install ${debianPackage}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', debianPackage], { env, timeout: 300_000 });
  console.log(`peers: installing ${debianPackage} (apt-get)…`);
  try {
    await install();
  } catch (first) {
    if (updated) return `apt-get install ${debianPackage} failed: ${lastLine(first)}`;
    try {
      updated = true;
      await run('apt-get', ['update', '-q'], { env, timeout: 300_000 });
      await install();
    } catch (error) {
      return `apt-get install ${debianPackage} failed: ${lastLine(error)}`;
    }
  }
  return existsSync(binary) ? null : `${debianPackage} installed but ${binary} is not there`;
}
