import { readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSecureContext, createServer, type TLSSocket } from 'node:tls';
import { ConfigError } from './config-error.js';
import type { ServiceLogger } from './logger.js';

export interface TlsFront {
  readonly port: number;
  /** Hand decrypted connections to the relay's HTTP server (queued ones first). */
  attach(server: HttpServer): void;
  /** Stop accepting; connections already open stay with the relay's server. */
  stopAccepting(): void;
}

async function readPem(kind: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConfigError(`cannot read TLS ${kind} ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
}

export interface TlsPair {
  cert: Buffer;
  key: Buffer;
}

/** Read and check the pair now, so a wrong file is a start-up error and not a failed handshake later. */
export async function loadTlsPair(certFile: string, keyFile: string): Promise<TlsPair> {
  // In order, not Promise.all: when both are unreadable the operator is told about
  // the certificate, every time (the race made the line, and its test, vary).
  const cert = await readPem('certificate', certFile);
  const key = await readPem('key', keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(`TLS certificate or key rejected: ${(error as Error).message}`);
  }
  return { cert, key };
}

/**
 * HTTPS and WSS on one port without a change to `createRelay`: this TLS server
 * terminates TLS and passes each decrypted socket to the relay's HTTP server as
 * a `connection` (Node's documented way to inject connections), so routing,
 * limits, upgrades and shutdown are the relay's own. The relay's server itself
 * listens only on an ephemeral loopback port (its `listen()` loads the stores).
 */
export async function listenTls(pair: TlsPair, port: number, host: string, logger: ServiceLogger): Promise<TlsFront> {
  let target: HttpServer | null = null;
  const waiting: TLSSocket[] = [];
  const server = createServer({
    // The pair itself, not a prebuilt `secureContext`: a server given only the latter fails every handshake.
    cert: pair.cert,
    key: pair.key,
    ALPNProtocols: ['http/1.1'],
    // A client that opens a socket and never finishes the handshake is dropped like a slow header sender.
    handshakeTimeout: 10_000,
    noDelay: true,
  });
  server.on('secureConnection', (socket) => {
    if (target) target.emit('connection', socket);
    else waiting.push(socket);
  });
  // Scanners and plain-HTTP callers fail the handshake all day; that is not worth a log line each.
  server.on('tlsClientError', (error, socket) => {
    logger.debug({ err: error.message, remote: socket.remoteAddress }, 'TLS handshake failed');
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'TLS listener failed'));
  return {
    port: (server.address() as AddressInfo).port,
    attach(http) {
      target = http;
      for (const socket of waiting.splice(0)) http.emit('connection', socket);
    },
    stopAccepting() {
      server.close();
    },
  };
}
