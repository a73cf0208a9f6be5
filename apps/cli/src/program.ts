/** The `hookline` command tree (commander). Commands get their I/O passed in. */
import { Command, Option } from 'commander';
import type { ExportFlags } from './commands/export.js';
import type { HttpFlags } from './commands/http-flags.js';
import type { CliIo } from './commands/io.js';
import type { QueueFlags } from './commands/queue.js';
import type { ReplayFlags } from './commands/replay.js';
import type { RequestsFlags } from './commands/requests.js';
import type { TokenFlags } from './commands/token.js';
import { VERSION } from './version.js';

/** `--secret` and `--route` may be given many times: commander collects them here, checked when the command runs. */
function collectRepeated(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Build the program; `exit` receives the command's exit code. */
export function buildProgram(io: CliIo, exit: (code: number) => void): Command {
  const program = new Command('hookline')
    .description('Webhook tunnel and inspector: forward a public URL to a local server')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('http')
    .description('forward a public URL to a local port or URL (starts an embedded relay when none is set)')
    .argument('<target>', 'local port (3000) or URL (http://127.0.0.1:3000)')
    .option(
      '--relay <url>',
      'relay to use, or cluster nodes a,b,c (env HOOKLINE_RELAY); default: an embedded relay on 127.0.0.1',
    )
    .option('--token <token>', 'token for the relay (env HOOKLINE_TOKEN)')
    .option('--name <name>', 'tunnel name to claim (env HOOKLINE_NAME); default: a random one')
    .addOption(new Option('--host-header <mode>', 'Host header sent to the target').choices(['passthrough', 'rewrite']))
    .option('--timeout <seconds>', 'answer 504 when the target sends no response head in time', '30')
    .option('--no-tui', 'print one line per exchange instead of the inspector')
    .option('--json', 'print JSON lines (ready, state, exchange events)')
    .option('--data-dir <dir>', 'where captures are kept (env HOOKLINE_DATA_DIR); default: $XDG_STATE_HOME/hookline')
    .option('--queue [mode]', 'relay queues webhooks while you are offline: serial (default) or parallel:<n>')
    .option('--basic-auth <user:pass>', 'callers of the public URL must send these credentials')
    .option(
      '--forward-auth',
      'with --basic-auth: pass the Authorization header on to the local server (dropped by default)',
    )
    .option('--takeover', 'replace a client that holds this name now (else refused with E_NAME_IN_USE)')
    .option('--allow-cidr <ranges>', 'callers must come from these CIDR ranges, comma-separated')
    .option('--no-capture', 'do not record exchanges (no history for requests/replay/export)')
    .option(
      '--inspect-port <port>',
      'web inspector port on 127.0.0.1 (0: any free one); default 4040, or the next free',
    )
    .option('--no-web', 'no web inspector')
    .option('--max-captures <n>', 'captures kept, oldest dropped first (also bounded to 1 GiB on disk)', '10000')
    .option(
      '--secret <provider=secret>',
      'webhook signing secret to verify captures with (stripe, github, standard|svix, slack, shopify, generic); repeatable; env HOOKLINE_SECRET_<PROVIDER>',
      collectRepeated,
    )
    .option(
      '--route <match=target>',
      'send matching requests elsewhere: /stripe=3000, github:pull_request=4001, stripe:invoice.*=http://127.0.0.1:4000/hooks, default=3000; first match wins; repeatable',
      collectRepeated,
    )
    .option(
      '--no-resign-late',
      'forward queued webhooks whose signature is past the provider tolerance as they came (re-signed by default when the secret is known)',
    )
    .option(
      '--handshake <kinds>',
      'the relay answers these handshakes itself, even while you are offline: slack, zoom, graph, websub, cloudevents (comma-separated; repeatable; zoom needs --secret zoom=<token>)',
      collectRepeated,
    )
    .option(
      '--offline-response <spec>',
      'what callers get while the local server is down or the tunnel offline: a status (202) or status=202,body=<file>,type=<content-type>,header=<Name: value>',
    )
    .action(async (target: string, flags: HttpFlags) => {
      const { runHttp } = await import('./commands/http.js');
      exit(await runHttp(target, flags, io));
    });

  program
    .command('relay')
    .description('run the relay service: public URLs for tunnel clients (settings: hookline relay --help)')
    .argument('[settings...]', "the relay's flags, as in `hookline relay --help`")
    // The relay program parses its own flags (one table shared with the image), so
    // commander passes everything on, --help included.
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (settings: string[]) => {
      const { runRelay } = await import('./commands/relay.js');
      exit(await runRelay(settings, io, VERSION));
    });

  program
    .command('token')
    .description("manage the relay's tokens (stored hashed in its data dir): create, list, revoke <id>")
    .argument('<action>', 'create | list | revoke')
    .argument('[id]', 'token id, for revoke')
    .option('--label <text>', 'with create: a note to recognise the token by')
    .option('--data-dir <dir>', "the relay's data dir (env HOOKLINE_DATA_DIR)")
    .option('--redis <url>', "a relay cluster's Redis instead of a data dir (env HOOKLINE_REDIS_URL)")
    .option('--json', 'print JSON (create prints {"token": …} once)')
    .action(async (action: string, id: string | undefined, flags: TokenFlags) => {
      const { runToken } = await import('./commands/token.js');
      exit(await runToken(action, id, flags, io));
    });

  program
    .command('name')
    .description('free a name your token reserved on the relay: name release <name>')
    .argument('<action>', 'release')
    .argument('<name>', 'the tunnel name')
    .option('--relay <url>', 'relay (env HOOKLINE_RELAY)')
    .option('--token <token>', 'token that owns the name (env HOOKLINE_TOKEN)')
    .action(async (action: string, name: string, flags: { relay?: string; token?: string }) => {
      const { runName } = await import('./commands/name.js');
      exit(await runName(action, name, flags, io));
    });

  program
    .command('queue')
    .description('offline queue of one of your tunnels on the relay: list, retry <id>|--failed|--all, drop <id>')
    .argument('[action]', 'list | retry | drop', 'list')
    .argument('[id]', 'delivery id (hookline-delivery), for retry and drop')
    .option('--name <name>', 'tunnel name (env HOOKLINE_NAME)')
    .option('--relay <url>', 'relay (env HOOKLINE_RELAY)')
    .option('--token <token>', 'token that owns the name (env HOOKLINE_TOKEN)')
    .option('--failed', 'with retry: every failed delivery')
    .option('--all', 'with retry: every waiting or failed delivery, now, with a fresh set of tries')
    .option('--json', 'print JSON')
    .action(async (action: string, id: string | undefined, flags: QueueFlags) => {
      const { runQueue } = await import('./commands/queue.js');
      exit(await runQueue(action, id, flags, io));
    });

  // Capture commands load their modules only when run: `--version` stays cheap.
  program
    .command('requests')
    .description('list captured exchanges, newest first')
    .option('--json', 'print one JSON array of summaries')
    .option('--limit <n>', 'show at most this many', '50')
    .option('--filter <query>', 'e.g. "status:5xx", "method:post path:/hooks", "header:stripe-signature", free text')
    .option('--data-dir <dir>', 'where captures are kept (env HOOKLINE_DATA_DIR)')
    .action(async (flags: RequestsFlags) => {
      const { runRequests } = await import('./commands/requests.js');
      exit(await runRequests(flags, io));
    });

  program
    .command('replay')
    .description('send a captured request again (byte-exact) and record the result; or a batch: --filter/--since')
    .argument('[id]', 'capture id (see hookline requests); leave out for a batch')
    .option('--target <url>', "send it here instead of the capture's local target")
    .option('--edit', 'edit the request in $EDITOR first; untouched parts stay byte-exact')
    .option('--resign', 'recompute the webhook signature over the bytes sent, with a fresh timestamp')
    .option('--new-id', 'with --resign: a new webhook-id (Standard Webhooks / Svix) instead of the captured one')
    .option(
      '--secret <provider=secret>',
      'signing secret for --resign; repeatable; env HOOKLINE_SECRET_<PROVIDER>',
      collectRepeated,
    )
    .option('--filter <query>', 'batch: replay every matching capture, oldest first (e.g. "status:5xx path:/stripe")')
    .option('--since <duration>', 'batch: only captures received in the last 90s, 10m, 1h, 7d…')
    .option('--max <n>', 'batch: refuse a batch of more captures than this', '1000')
    .option('--data-dir <dir>', 'where captures are kept (env HOOKLINE_DATA_DIR)')
    .action(async (id: string | undefined, flags: ReplayFlags) => {
      const { runReplay } = await import('./commands/replay.js');
      exit(await runReplay(id, flags, io));
    });

  program
    .command('export')
    .description('export captures as HAR 1.2, one capture as a curl command, or one request as a JSON test fixture')
    .option('--har <file>', 'write a HAR file of the captures (all, or those matching --filter); - prints it')
    .option('--curl <id>', 'print a curl command that sends capture <id> again')
    .option('--fixture <id>', 'print capture <id> as a JSON fixture (method, path, headers, body) for your tests')
    .option('--filter <query>', 'with --har: only matching captures')
    .option('--data-dir <dir>', 'where captures are kept (env HOOKLINE_DATA_DIR)')
    .action(async (flags: ExportFlags) => {
      const { runExport } = await import('./commands/export.js');
      exit(await runExport(flags, io));
    });

  return program;
}
