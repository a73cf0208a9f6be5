import type { CaptureRecord } from '@hookline/capture';
import type { ExchangeEvent, Tunnel, TunnelState } from '@hookline/client';
import type { QueueMode } from '@hookline/protocol';
import { loadFileConfig, pick } from '../config.js';
import { formatExchangeJson, formatExchangeLine, formatHandshakeJson, formatHandshakeLine } from '../exchange-log.js';
import { LineBatcher } from '../line-batcher.js';
import { resolveSignatureConfig } from '../signature-config.js';
import { interactiveTerminal } from '../terminal.js';
import type { InspectorHandle } from '../tui/open-inspector.js';
import { UserError } from '../user-error.js';
import type { HttpFlags } from './http-flags.js';
import { loadInspector, openCaptures, openTui } from './http-inspector.js';
import { inspectPort, openWeb } from './http-web.js';
import type { CliIo } from './io.js';
import { resolveRelayAnswers } from './relay-answers-flags.js';
import { checkTargetArg } from './target-arg.js';

/** `--queue [serial|parallel:N]`, `--basic-auth user:pass`, `--allow-cidr a,b` as tunnel options. */
function tunnelProtection(
  flags: HttpFlags,
  token: string | undefined,
  name: string | undefined,
  isQueueMode: (text: string) => text is QueueMode,
) {
  const queue =
    flags.queue === undefined || flags.queue === false ? undefined : flags.queue === true ? 'serial' : flags.queue;
  if (queue !== undefined && !isQueueMode(queue)) {
    throw new UserError(`--queue must be "serial" or "parallel:<n>" (n 1-64), not "${queue}"`);
  }
  if (queue !== undefined && (token === undefined || name === undefined)) {
    throw new UserError(
      '--queue needs a token-owned name: give --token and --name (and a relay that keeps a data dir)',
    );
  }
  if (flags.basicAuth !== undefined && !/^[^:]+:.+$/.test(flags.basicAuth)) {
    throw new UserError('--basic-auth must be user:password');
  }
  const allowCidr = flags.allowCidr
    ?.split(',')
    .map((cidr) => cidr.trim())
    .filter(Boolean);
  if (flags.forwardAuth && flags.basicAuth === undefined) {
    throw new UserError('--forward-auth only applies with --basic-auth');
  }
  const access =
    flags.basicAuth !== undefined || allowCidr !== undefined
      ? {
          ...(flags.basicAuth ? { basicAuth: flags.basicAuth } : {}),
          ...(allowCidr ? { allowCidr } : {}),
          ...(flags.forwardAuth ? { forwardAuth: true } : {}),
        }
      : undefined;
  return {
    ...(queue === undefined ? {} : { queue }),
    ...(access === undefined ? {} : { access }),
  };
}

function describeState(state: TunnelState): string | null {
  switch (state.state) {
    case 'online':
      return `online: ${state.urls[0]}`;
    case 'reconnecting':
      return `reconnecting in ${(state.delayMs / 1000).toFixed(1)} s (attempt ${state.attempt}): ${state.reason}`;
    case 'failed':
      return `tunnel failed: ${state.message} (${state.code})`;
    case 'connecting':
    case 'closed':
      return null;
  }
}

/** `hookline http <target>`: open a tunnel (on an embedded relay if none is set) and log each exchange. */
export async function runHttp(targetArg: string, flags: HttpFlags, io: CliIo): Promise<number> {
  checkTargetArg(targetArg);
  const file = loadFileConfig(io.cwd, io.env);
  const relayUrl = pick(flags.relay, io.env.HOOKLINE_RELAY, file.relay);
  // Several nodes of one relay cluster, comma-separated: the client moves on to the next when one drops.
  const relayList = relayUrl
    ?.split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  const token = pick(flags.token, io.env.HOOKLINE_TOKEN, file.token);
  const name = pick(flags.name, io.env.HOOKLINE_NAME, file.name);
  const hostHeader = flags.hostHeader ?? 'passthrough';
  if (hostHeader !== 'passthrough' && hostHeader !== 'rewrite') {
    throw new UserError(`--host-header must be "passthrough" or "rewrite", not "${hostHeader}"`);
  }
  const timeoutSeconds = flags.timeout === undefined ? 30 : Number(flags.timeout);
  if (!(timeoutSeconds > 0)) throw new UserError(`--timeout must be a positive number of seconds`);
  const webPort = inspectPort(flags, io.env);
  // `--queue` > HOOKLINE_QUEUE > "queue" in hookline.json.
  const queue = flags.queue ?? (io.env.HOOKLINE_QUEUE || file.queue);
  // Loaded here, not at the top: `hookline --version` must not pay for the protocol (zod).
  const { isQueueMode } = await import('@hookline/protocol');
  const protection = tunnelProtection(
    queue === undefined ? flags : { ...flags, queue },
    relayUrl === undefined ? undefined : token,
    name,
    isQueueMode,
  );
  // Handshakes and the offline response the relay answers (Zoom's secret is not a signing secret).
  const answers = resolveRelayAnswers(flags, io.env, file, io.cwd);
  const signatures = resolveSignatureConfig(answers.secretFlags, io.env, answers.fileForSignatures);

  const { Tunnel, parseTarget, connectUrl } = await import('@hookline/client');
  // Validate what the user typed before starting anything.
  try {
    parseTarget(targetArg);
    for (const url of relayList ?? []) connectUrl(url, {});
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const routes = (await import('../route-config.js')).resolveRoutes(flags.route, file.routes);
  const terminal = flags.tui === false || flags.json ? null : interactiveTerminal(io);
  // Loaded alongside the relay and tunnel start; a failed start leaves it unused.
  const inspectorModules = terminal ? loadInspector() : null;
  inspectorModules?.catch(() => {});
  const output = new LineBatcher(io.stdout);
  const print = (line: string) => output.write(line);
  const note = (line: string) => io.stderr.write(`${line}\n`);
  // With the inspector on screen, warnings go to its message line instead of stderr.
  const notices: string[] = [];
  const warn = (message: string) => (terminal ? notices.push(message) : note(`hookline: ${message}`));

  const { capture, recording } = await openCaptures(flags, io, {
    hostHeader,
    timeoutMs: timeoutSeconds * 1000,
    target: parseTarget(targetArg).href,
    // `--no-capture` records nothing, with one exception: the terminal inspector's live list
    // (in memory). So without it there is no verdict on a `--json` line and no web inspector.
    inspector: terminal !== null,
    warn,
    signatures,
  });

  const { startEmbeddedRelay } = await import('../embedded-relay.js');
  const relay =
    relayUrl === undefined
      ? await startEmbeddedRelay().catch(async (error: unknown) => {
          await capture?.close();
          throw error;
        })
      : null;
  const tunnel: Tunnel = new Tunnel({
    // The embedded relay is reached in process (no loopback WebSocket);
    // HOOKLINE_EMBEDDED_LINK=websocket takes the socket path instead, to compare or debug.
    relay: relay ? (io.env.HOOKLINE_EMBEDDED_LINK === 'websocket' ? relay.url : relay) : (relayList as string[]),
    target: targetArg,
    hostHeader,
    localTimeoutMs: timeoutSeconds * 1000,
    ...(token === undefined || relay ? {} : { token }),
    ...(name === undefined ? {} : { name }),
    ...(flags.takeover ? { takeover: true } : {}),
    ...protection,
    ...answers.options,
    ...(recording ? { observer: recording.observer } : {}),
    lateDelivery: { signatures, resign: flags.resignLate !== false },
    routes,
  });
  const printExchange = (event: ExchangeEvent, record: CaptureRecord | null) =>
    print(flags.json ? formatExchangeJson(event, record?.signature ?? null) : formatExchangeLine(event));
  // With captures, an exchange is printed once stored: its line carries the verdict.
  recording?.attach(tunnel, terminal ? undefined : printExchange);
  if (!terminal && !recording) tunnel.on('exchange', (event) => printExchange(event, null));
  if (!terminal) {
    tunnel.on('handshake', (answer) => print(flags.json ? formatHandshakeJson(answer) : formatHandshakeLine(answer)));
  }
  // Startup failures are reported once, by the caller; only later changes are printed.
  let printedReady = false;
  tunnel.on('state', (state) => {
    if (!printedReady || terminal) return;
    if (flags.json) return print(JSON.stringify({ type: 'state', time: new Date().toISOString(), ...state }));
    const text = describeState(state);
    if (text) note(text);
  });

  // Signals are handled from here on, so a Ctrl-C during start-up is a clean exit too.
  let stopping = false;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  let inspector: InspectorHandle | null = null;
  let web: Awaited<ReturnType<typeof openWeb>> = null;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    io.offSignals(onSignal);
    await web?.close();
    inspector?.close();
    await inspector?.done;
    await tunnel.close();
    await relay?.close();
    recording?.flush();
    await capture?.close();
    // The inspector's screen is gone: leave one line saying where the history is.
    if (inspector && capture?.persistent) {
      note(
        `hookline: ${capture.store.size} captures kept (hookline requests lists them, hookline replay <id> re-sends)`,
      );
    }
    output.flush();
    resolveExit(code);
  };
  const onSignal = () => void stop(0);
  io.onSignals(onSignal);

  try {
    await tunnel.start();
  } catch (error) {
    if (stopping) return exited;
    io.offSignals(onSignal);
    await relay?.close();
    recording?.flush();
    await capture?.close();
    throw error;
  }
  tunnel.on('state', (state) => {
    if (state.state === 'failed') void stop(1);
  });
  web = webPort === null || !capture ? null : await openWeb(webPort, tunnel, capture, warn);
  if (flags.inspectPort !== undefined && !capture) {
    warn('no web inspector with --no-capture: nothing is recorded for it to show');
  }
  if (terminal && capture && inspectorModules) {
    inspector = await openTui(
      inspectorModules,
      tunnel,
      capture,
      terminal,
      io,
      notices,
      web ? `Inspector ${web.url}` : undefined,
    );
    void inspector.done.then(() => stop(0));
  } else if (flags.json) {
    print(
      JSON.stringify({
        type: 'ready',
        name: tunnel.name,
        urls: tunnel.urls,
        target: tunnel.target.href,
        relay: relay ? relay.url : relayUrl,
        inspector: web?.url ?? null,
      }),
    );
  } else {
    if (relay) note(`Relay     embedded at ${relay.url} (loopback only; set --relay to use a shared one)`);
    // The tunnel's URLs all go to stdout, together (the /t/ one went to stderr and,
    // stdout being batched, came out above the Forwarding line it continues).
    print(`Forwarding ${tunnel.url} -> ${tunnel.target.origin}`);
    for (const other of tunnel.urls.slice(1)) print(`           ${other}`);
    if (web) print(`Inspector  ${web.url}`);
  }
  printedReady = true;
  return exited;
}
