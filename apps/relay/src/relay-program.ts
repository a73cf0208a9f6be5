import { parseFlags } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { createLogger, type LogOutput } from './logger.js';
import { type RunningService, startRelayService } from './relay-service.js';
import { loadServiceSettings, type ServiceSettings } from './service-settings.js';
import { handleShutdownSignals } from './shutdown.js';
import { usage } from './usage.js';

/** What the relay program may touch of its process; each entry point's main passes its own. */
export interface RelayProgramIo {
  /** How the program was started, for --help and error lines: `hookline-relay`, `hookline relay`. */
  readonly program: string;
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Log lines (JSON, or readable on a terminal) and --help. */
  readonly stdout: LogOutput;
  /** The one line of a configuration mistake. */
  readonly stderr: { write(text: string): unknown };
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
  /** An uncaught exception or unhandled rejection: logged as fatal, then exit 2. */
  onCrash(handler: (error: unknown, kind: 'uncaught exception' | 'unhandled rejection') => void): void;
}

/**
 * The relay program of `hookline relay` and of the image (`hookline-relay`): read
 * the settings, start the relay with logs, metrics and TLS, stop gracefully on
 * SIGTERM/SIGINT. Resolves with the exit code once the process should exit: 0
 * after --help or a clean stop, 1 for a mistake the operator can fix (one line on
 * stderr), 1 if closing overran the grace, 2 after a crash, 128 + n on a second signal.
 */
export function runRelayProgram(argv: readonly string[], io: RelayProgramIo): Promise<number> {
  return new Promise<number>((exit) => {
    const refuse = (error: unknown) => {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr.write(`${io.program}: ${error.message}\n`);
      exit(1);
    };
    let settings: ServiceSettings;
    try {
      const flags = parseFlags(argv);
      if (flags.help || flags.version) {
        io.stdout.write(flags.help ? usage(io.program) : `${io.version}\n`);
        return exit(0);
      }
      settings = loadServiceSettings(flags, io.env, io.cwd);
    } catch (error) {
      return refuse(error);
    }
    const logger = createLogger(settings.logLevel, io.stdout);
    io.onCrash((error, kind) => {
      logger.fatal({ err: error }, kind);
      exit(2);
    });
    startRelayService(settings, logger).then((service) => {
      handleShutdownSignals({
        logger,
        graceMs: settings.shutdownGraceMs,
        stop: (graceMs) => service.stop(graceMs),
        exit,
        onSignal: io.onSignal,
      });
      logListening(logger, settings, service);
    }, refuse);
  });
}

function logListening(logger: ReturnType<typeof createLogger>, settings: ServiceSettings, service: RunningService) {
  const { domain, dataDir } = settings.relay.options;
  const url = new URL(service.url);
  const hostForm = domain ? `${url.protocol}//<name>.${domain}${url.port ? `:${url.port}` : ''}` : null;
  logger.info(
    {
      url: service.url,
      port: service.port,
      host: settings.relay.host,
      tls: settings.tls !== null,
      auth: settings.relay.auth,
      domain: domain ?? null,
      dataDir: dataDir ?? null,
      metrics: settings.metricsToken !== null,
      shutdownGraceMs: settings.shutdownGraceMs,
      // Where tunnel callers go: what `hookline http` will print for a name.
      tunnels: [`${service.url}/t/<name>`, ...(hostForm ? [hostForm] : [])],
    },
    'relay listening',
  );
}
