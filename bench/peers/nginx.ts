/**
 * Why this file: nginx as a reverse proxy is the yardstick for what one hop in front
 * of the origin costs at best. This runs it in the foreground as the current user
 * with its own prefix, config, pid file and logs in a temp dir (nothing of /etc/nginx
 * used), one worker, a keep-alive upstream to the target, and removes it all on stop().
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hookline/testing';
import { type Daemon, descendants, startDaemon, terminate, title, waitForPort } from './daemon.js';
import type { TunnelProcess } from './sshd.js';

export const NGINX = '/usr/sbin/nginx';

export interface NginxProxy {
  url: string;
  /** Master and worker. */
  processes(): TunnelProcess[];
  stop(): Promise<void>;
}

export async function startNginx(target: number): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-nginx-'));
  let nginx: Daemon | undefined;
  const stop = async () => {
    const workers = nginx ? descendants(nginx.pid) : [];
    await nginx?.stop();
    await terminate(workers);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const temp = (name: string) => {
      mkdirSync(join(dir, name));
      return join(dir, name);
    };
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      `# As root the workers would switch to nobody, who cannot write the temp dirs.
${process.getuid?.() === 0 ? `user ${userInfo().username};` : ''}
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  # 1 MiB bodies stay in memory rather than in a temp file; no size cap.
  client_max_body_size 0;
  client_body_buffer_size 2m;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  upstream origin {
    server 127.0.0.1:${target};
    keepalive 64;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
    );
    // -e: the error log before the config is read (else /var/log/nginx, root's).
    nginx = startDaemon(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
    await waitForPort(port, nginx, 'nginx');
    const master = nginx.pid;
    return {
      url: `http://127.0.0.1:${port}`,
      processes: () => [
        { label: 'nginx master', pid: master },
        ...descendants(master).map((pid) => ({
          label: title(pid).includes('worker') ? 'nginx worker' : title(pid) || 'nginx child',
          pid,
        })),
      ],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
