import { randomBytes } from 'node:crypto';
import { type ClientRequest, request } from 'node:http';
import { connect } from 'node:net';
import { connectTunnel, type Tunnel, type TunnelState } from '@hookline/client';
import { type Origin, startOrigin } from '@hookline/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { killServices, startService } from './test-support/service-process.js';

const MiB = 1024 * 1024;
const UPLOAD = 50 * MiB;

/** Whether a fresh TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Resolve with status and body of a request's response (or the error that ended it). */
function answer(req: ClientRequest): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.once('error', (error) => resolve({ error: error.message }));
  });
}

describe('relay service shutdown', () => {
  let origin: Origin | undefined;
  let tunnel: Tunnel | undefined;

  afterEach(async () => {
    await tunnel?.close();
    await origin?.close();
    tunnel = undefined;
    origin = undefined;
    await killServices();
  });

  /** A relay process with one tunnel to an origin that counts upload bytes, or never answers `/hang`. */
  async function setup(args: string[]) {
    let bytes = 0;
    let hanging = 0;
    origin = await startOrigin((req, res) => {
      if (req.url === '/hang') {
        hanging += 1;
        return;
      }
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      req.on('end', () => res.end(JSON.stringify({ bytes })));
    });
    const service = await startService(['--max-body-bytes', String(100 * MiB), ...args]);
    const states: TunnelState[] = [];
    tunnel = await connectTunnel({ relay: service.url, target: origin.port, name: 'drain' });
    tunnel.on('state', (state) => states.push(state));
    return { service, received: () => bytes, hanging: () => hanging, states };
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('on SIGTERM finishes a 50 MiB upload in flight, refuses new connections, tells the client, exits 0', async () => {
    const { service, received, states } = await setup([]);
    const upload = request(`${service.url}/t/drain/upload`, {
      method: 'POST',
      headers: { 'content-length': UPLOAD, 'content-type': 'application/octet-stream' },
      agent: false,
    });
    const answered = answer(upload);
    const chunk = randomBytes(MiB);
    // Send a first part and see it reach the origin, so the signal lands mid-upload.
    for (let i = 0; i < 4; i += 1) upload.write(chunk);
    await until(() => received() >= MiB);

    service.child.kill('SIGTERM');
    await service.waitForLog((line) => line.msg.startsWith('relay stopping'));
    expect(await refused(service.port)).toBe(true);

    for (let sent = 4 * MiB; sent < UPLOAD; sent += MiB) {
      if (!upload.write(chunk)) await new Promise((resolve) => upload.once('drain', resolve));
    }
    upload.end();
    expect(await answered).toEqual({ status: 200, body: JSON.stringify({ bytes: UPLOAD }) });

    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.logs.at(-1)?.msg).toBe('relay stopped');
    // The session ended with E_RELAY_SHUTDOWN, which the client answers by reconnecting.
    await until(() => states.some((state) => state.state === 'reconnecting'));
    expect(service.badLines).toEqual([]);
  });

  it('cuts exchanges still running at the grace deadline and exits 0', async () => {
    const { service, hanging } = await setup(['--shutdown-grace', '0.5']);
    const req = request(`${service.url}/t/drain/hang`, { agent: false });
    const answered = answer(req);
    req.end();
    await until(() => hanging() === 1);
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    const result = await answered;
    // Cut off: either a coded error response or a closed socket, never a hang.
    if ('status' in result) expect(result.status).toBeGreaterThanOrEqual(500);
    else expect(result.error).toMatch(/socket hang up|ECONNRESET/);
  });

  it('exits at once on a second signal', async () => {
    const { service, hanging } = await setup(['--shutdown-grace', '60']);
    const req = request(`${service.url}/t/drain/hang`, { agent: false });
    const answered = answer(req);
    req.end();
    await until(() => hanging() === 1);
    service.child.kill('SIGTERM');
    await service.waitForLog((line) => line.msg.startsWith('relay stopping'));
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 143, signal: null });
    expect(service.logs.at(-1)?.msg).toMatch(/^second signal/);
    await answered;
  });
});
