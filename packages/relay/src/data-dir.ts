import { mkdir } from 'node:fs/promises';

/**
 * Create the relay's data dir owner-only (0700) before
 * anything is written into them: tokens, names and queued webhooks (their
 * headers and bodies) are nobody else's business. Files are written 0600.
 * Folders that already exist keep their mode: the operator may have chosen it.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}
