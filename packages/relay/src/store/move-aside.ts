import { rename } from 'node:fs/promises';

/**
 * Move an unreadable store file out of the way (`<file>.corrupt-<timestamp>`) so
 * the service can start fresh without destroying what was there.
 */
export async function moveAside(path: string): Promise<string> {
  const target = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, target);
  return target;
}
