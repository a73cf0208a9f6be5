import type { Agent } from 'node:http';
import type { Dispatcher } from 'undici';
import type { ClientStream, LocalExchangeInit } from './exchange-lifecycle.js';
import { startHttpExchange } from './local-http-exchange.js';
import { startUpgradeExchange } from './local-upgrade-exchange.js';

export type { ClientStream, LocalExchangeInit } from './exchange-lifecycle.js';

/** How the client reaches its local target: undici for requests, node:http for upgrades. */
export interface LocalTransport {
  dispatcher: Pick<Dispatcher, 'dispatch'>;
  upgradeAgent: Agent;
}

/** Forward one tunnel stream to the local target and stream its response back. */
export function startLocalExchange(init: LocalExchangeInit, transport: LocalTransport): ClientStream {
  return init.head.upgrade
    ? startUpgradeExchange(init, transport.upgradeAgent)
    : startHttpExchange(init, transport.dispatcher);
}
