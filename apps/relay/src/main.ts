/**
 * @module the deployable relay service. Configuration from `HOOKLINE_*` env
 * (HOOKLINE_PORT, HOOKLINE_HOST, HOOKLINE_DOMAIN, HOOKLINE_PUBLIC_URL,
 * HOOKLINE_AUTH, HOOKLINE_RELAY_TOKENS), JSON log lines on stdout, graceful stop
 * on SIGTERM/SIGINT. Only this file reads env and installs signal handlers.
 */
import { createRelay, jsonLineLogger, relayServiceConfig } from '@hookline/relay';

const log = jsonLineLogger((line) => process.stdout.write(line));
let config: ReturnType<typeof relayServiceConfig>;
try {
  config = relayServiceConfig({}, process.env);
} catch (error) {
  log.error({}, `invalid configuration: ${(error as Error).message}`);
  process.exit(1);
}
const relay = createRelay({ ...config.options, logger: log });
await relay.listen(config.port, config.host);
log.info({ url: relay.url, auth: config.auth }, 'relay listening');

const stop = async (signal: string) => {
  log.info({ signal }, 'relay stopping');
  await relay.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));
