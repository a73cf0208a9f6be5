/**
 * @module `node healthcheck.js` — the container's HEALTHCHECK. Reads the same
 * settings as the service (HOOKLINE_* env, HOOKLINE_CONFIG file), asks the local
 * relay's `/_hookline/healthz`, and exits 0 when it answers 200, else 1.
 */
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { parseFlags } from './cli-flags.js';
import { loadServiceSettings } from './service-settings.js';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

function fail(message: string): never {
  process.stderr.write(`hookline-relay healthcheck: ${message}\n`);
  process.exit(1);
}

let url: string;
try {
  const settings = loadServiceSettings(parseFlags(process.argv.slice(2)), process.env, process.cwd());
  const { host, port } = settings.relay;
  if (port === 0) fail('the relay listens on a random port (0); nothing to check');
  const target = WILDCARD.has(host) ? '127.0.0.1' : host;
  url = `${settings.tls ? 'https' : 'http'}://${target.includes(':') ? `[${target}]` : target}:${port}/_hookline/healthz`;
} catch (error) {
  fail((error as Error).message);
}

const done = (res: IncomingMessage) => {
  res.resume();
  if (res.statusCode === 200) process.exit(0);
  fail(`${url} answered ${res.statusCode}`);
};
// Liveness of our own process, over loopback: the certificate names the public host, not 127.0.0.1.
const req = url.startsWith('https:') ? httpsGet(url, { rejectUnauthorized: false }, done) : httpGet(url, done);
req.setTimeout(3_000, () => req.destroy(new Error('no answer within 3 s')));
req.on('error', (error) => fail(`${url}: ${error.message}`));
