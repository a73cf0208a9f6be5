/**
 * @module the deployable relay service (`hookline-relay`). Settings from flags,
 * `HOOKLINE_*` env and a JSON config file; JSON log lines (pino) on stdout;
 * Prometheus metrics behind a token; optional TLS; graceful stop on SIGTERM/SIGINT.
 * Only this file reads argv and env, exits, and installs signal handlers.
 */
import packageJson from '../package.json' with { type: 'json' };
import { parseFlags, USAGE } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { createLogger } from './logger.js';
import { type RunningService, startRelayService } from './relay-service.js';
import { loadServiceSettings, type ServiceSettings } from './service-settings.js';
import { handleShutdownSignals } from './shutdown.js';

/** Operator mistakes: one line on stderr, exit 1. Anything else is a bug and keeps its stack. */
function failOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`hookline-relay: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

let settings: ServiceSettings;
try {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (flags.version) {
    process.stdout.write(`${packageJson.version}\n`);
    process.exit(0);
  }
  settings = loadServiceSettings(flags, process.env, process.cwd());
} catch (error) {
  failOnConfigError(error);
}

const logger = createLogger(settings.logLevel);
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception');
  process.exit(2);
});
process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled rejection');
  process.exit(2);
});

let service: RunningService;
try {
  service = await startRelayService(settings, logger);
} catch (error) {
  failOnConfigError(error);
}
handleShutdownSignals({
  logger,
  graceMs: settings.shutdownGraceMs,
  stop: (graceMs) => service.stop(graceMs),
  exit: (code) => process.exit(code),
  onSignal: (signal, handler) => process.on(signal, handler),
});
logger.info(
  {
    url: service.url,
    port: service.port,
    host: settings.relay.host,
    tls: settings.tls !== null,
    auth: settings.relay.auth,
    domain: settings.relay.options.domain ?? null,
    dataDir: settings.relay.options.dataDir ?? null,
    metrics: settings.metricsToken !== null,
    shutdownGraceMs: settings.shutdownGraceMs,
  },
  'relay listening',
);
