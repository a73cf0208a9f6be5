import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyBytes, CaptureStore, STORE_FILE } from '@hookline/capture';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import { ensureCliBuilt, isolatedEnv, startHttpCli, stopAllCli } from './test-support/cli-process.js';

/**
 * The capture history on a tiny filesystem of its own (a 2 MiB tmpfs; CI runs as
 * root, which `mount` needs): when it fills, forwarding goes on untouched, the
 * user is told once, and once space is back the history is saved again — whole.
 */
describe('a full disk under the capture history', () => {
  const root = mkdtempSync(join(tmpdir(), 'hookline-capture-full-'));
  const mount = join(root, 'mnt');
  let target: BytesOrigin | null = null;
  let mounted = false;

  beforeAll(ensureCliBuilt, 120_000);

  afterAll(async () => {
    await stopAllCli();
    await target?.close();
    if (mounted) execFileSync('umount', [mount]);
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps forwarding, warns once, and saves again once space is back', async () => {
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', mount]);
    } catch (error) {
      throw new Error(`this test mounts a tmpfs and must run as root (CI does): ${(error as Error).message}`);
    }
    mounted = true;
    const dataDir = join(mount, 'data');
    target = await startBytesOrigin();
    const env = isolatedEnv(root, { HOOKLINE_DATA_DIR: dataDir });
    const { proc, base } = await startHttpCli(target.port, 'full', { cwd: root, env });
    // Ballast to free later: the only way to give the store its space back.
    writeFileSync(join(mount, 'ballast'), Buffer.alloc(256 * 1024));

    const body = Buffer.alloc(64 * 1024, 0x62);
    let sent = 0;
    while (!/captures could not be saved/.test(proc.output('stderr')) && sent < 200) {
      expect(await sendBytes(`${base}/fill/${sent}`, 'POST', {}, body)).toBe(200);
      sent += 1;
    }
    expect(proc.output('stderr')).toMatch(/captures could not be saved to .*captures\.db: .*full/i);
    // Forwarding is never touched by the store: more requests still reach the app.
    for (let i = 0; i < 5; i += 1) expect(await sendBytes(`${base}/more/${i}`, 'POST', {}, body)).toBe(200);
    expect(target.received.length).toBe(sent + 5);
    expect(proc.output('stderr').match(/captures could not be saved/g)).toHaveLength(1);

    rmSync(join(mount, 'ballast'));
    await proc.waitForLine('stderr', /captures are being saved again/, 10_000);
    expect((await proc.stop()).code).toBe(0);

    // What was saved reopens whole, in order; only captures that never found room are missing.
    const warnings: string[] = [];
    const store = await CaptureStore.open({ file: join(dataDir, STORE_FILE), onWarning: (m) => warnings.push(m) });
    try {
      expect(warnings).toEqual([]);
      const stored = (await store.query()).reverse();
      expect(stored[0]?.request.path).toBe('/fill/0');
      expect(stored.length).toBeGreaterThan(1);
      for (const record of stored) expect(bodyBytes(record.request.body).equals(body)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
