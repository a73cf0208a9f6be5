import type { Agent } from 'node:http';
import { type Origin, startOrigin } from '@hookline/testing';
import { expect } from 'vitest';
import { connectTunnel, type Tunnel } from '../connect-tunnel.js';
import { attempt, honestBytes } from './caller-outcome.js';
import { sha256 } from './http-call.js';

/** Body sizes each round asks for: empty, tiny, and several windows' worth (flow control at work). */
const SIZES = [0, 5, 3_000, 150_000];

/**
 * A normal tunnel (`connectTunnel` + a real local server) named `honest`, whose
 * answers anyone can recompute: `/h/<seed>/<size>/<cl|chunked>` returns
 * `honestBytes(seed, size)`, with a Content-Length or streamed without one.
 */
export interface HonestTunnel {
  tunnel: Tunnel;
  origin: Origin;
  /** Responses checked so far. */
  readonly checked: number;
  /**
   * One round of callers through `base` (the relay, or a proxy in front of it):
   * each must get status 200, no Set-Cookie, and exactly its bytes (sha256).
   */
  round(base: string, agent: Agent, seed: string): Array<Promise<void>>;
  close(): Promise<void>;
}

export async function openHonestTunnel(relayUrl: string): Promise<HonestTunnel> {
  const origin = await startOrigin((req, res) => {
    const [, , seed = '', size = '0', mode = 'cl'] = (req.url ?? '').split('/');
    const bytes = honestBytes(seed, Number(size));
    req.resume();
    if (mode === 'cl') return void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    res.writeHead(200);
    for (let at = 0; at < bytes.length; at += 7_000) res.write(bytes.subarray(at, at + 7_000));
    res.end();
  });
  const tunnel = await connectTunnel({ relay: relayUrl, target: origin.port, name: 'honest' }).catch(
    async (error: unknown) => {
      await origin.close();
      throw error;
    },
  );
  let checked = 0;
  return {
    tunnel,
    origin,
    get checked() {
      return checked;
    },
    round: (base, agent, seed) =>
      SIZES.map(async (size, i) => {
        const id = `${seed}-${i}`;
        const mode = i % 2 === 0 ? 'cl' : 'chunked';
        const got = await attempt(`${base}/t/honest/h/${id}/${size}/${mode}`, 'GET', agent);
        expect({ status: got.status, cut: got.cut, cookie: got.headers['set-cookie'] }).toEqual({
          status: 200,
          cut: false,
          cookie: undefined,
        });
        expect(sha256(got.body)).toBe(sha256(honestBytes(id, size)));
        checked += 1;
      }),
    async close() {
      await tunnel.close();
      await origin.close();
    },
  };
}
