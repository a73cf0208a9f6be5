/**
 * Why this file: `ssh -R` is the tunnel people reach for first, so the peers table
 * measures it beside hookline. This starts a throwaway sshd on 127.0.0.1 (its own host
 * key, user key and config in a temp dir, nothing of /etc/ssh used) and an `ssh -N -R`
 * client through it to the target port, and removes all of it on stop().
 * The tunnel's processes: the sshd children serving the session (a privileged monitor
 * and the session process, found under the listener in /proc) and the ssh client.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@hookline/testing';
import { type Daemon, descendants, startDaemon, terminate, title, waitForPort } from './daemon.js';

export const SSHD = '/usr/sbin/sshd';
const run = promisify(execFile);

export interface TunnelProcess {
  label: string;
  pid: number;
}

export interface SshTunnel {
  /** http://127.0.0.1:<the remote-forwarded port> */
  url: string;
  /** The sshd session processes and the ssh client, as they are now. */
  processes(): TunnelProcess[];
  stop(): Promise<void>;
}

/** sshd + `ssh -R <free port>:127.0.0.1:<target>`, ready when the forwarded port accepts. */
export async function startSshTunnel(target: number): Promise<SshTunnel> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-sshd-'));
  let sshd: Daemon | undefined;
  let client: Daemon | undefined;
  const stop = async () => {
    await client?.stop();
    // The session pair outlives a SIGTERM to the listener: end it by pid.
    const session = sshd ? descendants(sshd.pid) : [];
    await sshd?.stop();
    await terminate(session);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const hostKey = join(dir, 'host_ed25519');
    const userKey = join(dir, 'id_ed25519');
    for (const file of [hostKey, userKey]) await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`));
    const user = userInfo().username;
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'StrictModes no',
        `PermitRootLogin ${user === 'root' ? 'yes' : 'no'}`,
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'AllowTcpForwarding yes',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    // Debian's sshd refuses to start without its privilege separation directory,
    // which the init script (not the package) creates.
    if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const sshPort = await freePort();
    sshd = startDaemon(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config'), '-p', String(sshPort)]);
    await waitForPort(sshPort, sshd, 'sshd');
    const remote = await freePort();
    client = startDaemon('ssh', [
      ...['-F', '/dev/null', '-N', '-i', userKey, '-p', String(sshPort)],
      ...['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ExitOnForwardFailure=yes', '-o', 'LogLevel=ERROR'],
      ...['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null'],
      ...['-R', `127.0.0.1:${remote}:127.0.0.1:${target}`, `${user}@127.0.0.1`],
    ]);
    await waitForPort(remote, client, 'ssh -R');
    const listener = sshd.pid;
    const clientPid = client.pid;
    return {
      url: `http://127.0.0.1:${remote}`,
      processes: () => [
        ...descendants(listener).map((pid) => ({ label: title(pid) || 'sshd child', pid })),
        { label: 'ssh client', pid: clientPid },
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
