/**
 * Checks a running relay from outside, as a user would: health and readiness, a
 * refused bad token, then one webhook through a real tunnel to a local origin.
 * `.ci/docker-smoke` runs it against the container it started; it runs as well
 * against any relay (`node --import tsx apps/relay/scripts/image-smoke-check.ts
 * <relay url> <token>`). Exits 0 when every check passed, 1 with the first failure.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectTunnel } from '@hookline/client';

const [relay, token] = process.argv.slice(2);
if (!relay || !token) {
  process.stderr.write('usage: image-smoke-check <relay url> <token>\n');
  process.exit(1);
}

function check(what: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${what}: ${detail}`);
  process.stdout.write(`image smoke: ok  ${what}\n`);
}

const origin = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => res.end(`origin got ${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`));
});
await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
const tunnel = { current: null as Awaited<ReturnType<typeof connectTunnel>> | null };
try {
  const health = await fetch(`${relay}/_hookline/healthz`);
  const healthBody = (await health.json()) as { status?: string };
  check('GET /_hookline/healthz', health.status === 200 && healthBody.status === 'ok', `${health.status}`);
  const ready = await fetch(`${relay}/_hookline/readyz`);
  const readyBody = (await ready.json()) as { status?: string; checks?: unknown };
  check('GET /_hookline/readyz', ready.status === 200, `${ready.status} ${JSON.stringify(readyBody.checks)}`);

  const refused = await connectTunnel({
    relay,
    token: 'not-a-token-0123456789',
    target: (origin.address() as AddressInfo).port,
    reconnect: false,
  }).then(
    () => null,
    (error: { code?: string }) => error.code ?? 'no code',
  );
  check('a wrong token is refused', refused === 'E_UNAUTHORIZED', `got ${refused ?? 'a tunnel'}`);

  tunnel.current = await connectTunnel({
    relay,
    token,
    name: 'smoke',
    target: (origin.address() as AddressInfo).port,
    reconnect: false,
  });
  check('a tunnel connects', tunnel.current.url.includes('smoke'), tunnel.current.url);
  const answer = await fetch(`${relay}/t/smoke/hook?x=1`, { method: 'POST', body: 'payload' });
  const text = await answer.text();
  check(
    'a webhook goes through the tunnel',
    answer.status === 200 && text === 'origin got POST /hook?x=1 payload',
    `${answer.status} ${text}`,
  );
} catch (error) {
  process.stderr.write(`image smoke: FAILED ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await tunnel.current?.close();
  origin.close();
}
