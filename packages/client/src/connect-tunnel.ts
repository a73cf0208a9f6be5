import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  DEFAULT_STREAM_WINDOW,
  type ErrorCode,
  FrameType,
  FrameWriter,
  type HandshakeKind,
  HooklineError,
  type InProcessRelay,
  isQueueMode,
  MAX_MESSAGE_SIZE,
  PROTOCOL_VERSION,
  type QueueMode,
  type Ready,
  readMessage,
  type TunnelMessage,
  type TunnelSocket,
} from '@hookline/protocol';
import { WebSocket } from 'ws';
import { type BackoffOptions, nodeRoundDelay } from './backoff.js';
import { ClientSession } from './client-session.js';
import type { ExchangeObserver, TunnelEvents, TunnelState } from './events.js';
import type { HostHeaderMode } from './forward-headers.js';
import { HoldBudget } from './held-body.js';
import { DEFAULT_MAX_HELD_BYTES, type LateDeliveryOptions, planLateDelivery } from './late-delivery.js';
import type { startLocalExchange } from './local-exchange.js';
import { LocalRoutes } from './local-routes.js';
import type { OfflineResponse } from './offline-answer.js';
import { NO_RETRY, type Refusal, refusalOf } from './refusal.js';
import { relayAnswersHello } from './relay-answers-hello.js';
import type { TunnelRoute } from './routes.js';
import { connectUrl, parseTarget } from './target.js';

export interface TunnelOptions {
  /**
   * Relay base URL, e.g. `https://hooks.example.com` or `http://127.0.0.1:4747`;
   * or several nodes of one relay cluster, tried in turn when a connection drops;
   * or a relay in this process (`createRelay()`, listening), reached without a socket.
   */
  relay: string | readonly string[] | InProcessRelay;
  /** Local target: a port, `host:port` or an http(s) URL. */
  target: string | number | URL;
  /** Bearer token for relays that require one. */
  token?: string;
  /** Requested tunnel name; the relay picks a random one when absent. */
  name?: string;
  /** Host header sent to the target. @default 'passthrough' */
  hostHeader?: HostHeaderMode;
  /** No response head from the target within this → 504. @default 30_000 */
  localTimeoutMs?: number;
  /** Reconnect policy after the tunnel was online once; false to give up at the first drop. */
  reconnect?: BackoffOptions | false;
  /** Keep retrying even when the very first connection fails. @default false */
  retryInitialConnect?: boolean;
  /** Time allowed for the WebSocket upgrade plus HELLO/READY. @default 10_000 */
  handshakeTimeoutMs?: number;
  /** Keep-alive sockets to the target. @default 256 */
  maxLocalSockets?: number;
  /** Sent in HELLO for the relay's logs. @default 'hookline' */
  agent?: string;
  /**
   * Ask the relay to queue webhooks durably while this tunnel is offline
   * (needs a token and a name): `serial` (in order, one at a time) or `parallel:N`.
   */
  queue?: QueueMode;
  /**
   * Protect the public URL: basic auth (`user:password`) and/or allowed caller
   * CIDR ranges. The relay drops the `Authorization` it checked before
   * forwarding, unless `forwardAuth`.
   */
  access?: { basicAuth?: string; allowCidr?: string[]; forwardAuth?: boolean };
  /**
   * Replace a live client holding the same name (same token) instead of being
   * refused with `E_NAME_IN_USE`; the replaced client stops. Applies to the
   * first connection only: a later reconnect never takes the name from someone.
   * @default false
   */
  takeover?: boolean;
  /** Body taps for captures (request and response bytes of every exchange). */
  observer?: ExchangeObserver;
  /**
   * Handshakes the relay answers for this tunnel by itself, online or not
   * (Slack url_verification, Zoom url_validation, Graph validationToken, WebSub,
   * CloudEvents OPTIONS). Zoom needs `handshakeSecrets.zoom`, which the relay
   * keeps in memory only.
   */
  handshakes?: HandshakeKind[];
  handshakeSecrets?: { zoom?: string };
  /**
   * What a caller gets instead of 502 when the local server refuses or cannot be
   * reached, and (declared to the relay) instead of 503 / the queue's 202 while
   * the tunnel is offline. Marked `hookline-offline-response: 1`.
   */
  offlineResponse?: OfflineResponse;
  /**
   * Queued webhooks whose signature aged past the provider's tolerance while the
   * client was away: re-signed with these secrets (or reported on the `exchange`
   * event's `late` when they cannot be). On with no secrets: late ones are reported.
   */
  lateDelivery?: LateDeliveryOptions;
  /**
   * Other local targets, by path prefix or provider event type; the first match
   * wins, `target` takes the rest. A bad route throws at construction.
   */
  routes?: readonly TunnelRoute[];
  /** Epoch ms: judges late deliveries, dates re-signatures and `request` events. @default Date.now */
  clock?: () => number;
}

/** ws client option: an all-zero mask makes ws skip masking (and copying) every frame. */
function zeroMask(mask: Uint8Array): void {
  mask.fill(0);
}

/**
 * A live tunnel: one WebSocket to the relay, every exchange forwarded to the
 * local target. Emits `state`, `request`, `response`, `exchange` and `error`.
 */
export class Tunnel extends EventEmitter<TunnelEvents> {
  readonly target: URL;
  readonly #options: TunnelOptions;
  readonly #clientId = randomBytes(16).toString('base64url');
  readonly #local: LocalRoutes;
  /** Bytes late deliveries may hold at once, to be re-signed. */
  readonly #holdBudget: HoldBudget;
  #state: TunnelState = { state: 'connecting' };
  #ready: Ready | null = null;
  #socket: TunnelSocket | null = null;
  #session: ClientSession | null = null;
  #attempt = 0;
  #everOnline = false;
  #closed = false;
  #fatal: HooklineError | null = null;
  /** The relay's coded refusal of the last attempt (what to report instead of "cannot reach"). */
  #refusal: HooklineError | null = null;
  /** The relay's `Retry-After` for the last attempt, ms. */
  #retryAfterMs = 0;
  #lastProblem = 'connection failed';
  #retryTimer: NodeJS.Timeout | undefined;
  #livenessTimer: NodeJS.Timeout | undefined;
  #exchangeSeq = 0;
  #queue: { pending: number; failed: number } | null = null;
  readonly #relays: Array<string | InProcessRelay>;
  /** Index of the relay (cluster node) to use next; moves on after each failed or lost connection. */
  #relayIndex = 0;
  #firstResult: { resolve: () => void; reject: (error: HooklineError) => void } | null = null;

  constructor(options: TunnelOptions) {
    super();
    this.#options = options;
    this.target = parseTarget(options.target);
    const { relay } = options;
    this.#relays = typeof relay === 'string' || !Array.isArray(relay) ? [relay as string | InProcessRelay] : [...relay];
    if (this.#relays.length === 0) throw new HooklineError('E_BAD_REQUEST', 'no relay URL given');
    // Validate early: a bad relay URL is a usage error.
    for (const url of this.#relays) if (typeof url === 'string') connectUrl(url, {});
    // The relay would refuse it in HELLO; said here, it names the option.
    if (options.queue !== undefined && !isQueueMode(options.queue)) {
      throw new HooklineError(
        'E_BAD_REQUEST',
        `queue must be "serial" or "parallel:<n>" (n 1-64), not "${options.queue}"`,
      );
    }
    this.#holdBudget = new HoldBudget(options.lateDelivery?.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES);
    this.#local = new LocalRoutes(
      {
        target: this.target,
        timeoutMs: options.localTimeoutMs ?? 30_000,
        hostHeader: options.hostHeader ?? 'passthrough',
      },
      options.routes ?? [],
      options.maxLocalSockets ?? 256,
    );
  }

  get state(): TunnelState {
    return this.#state;
  }

  /** The relay's offline queue for this tunnel, as last reported (null: not a queued tunnel). */
  get queue(): { pending: number; failed: number } | null {
    return this.#queue;
  }

  /** The tunnel name (after the first READY). */
  get name(): string {
    return this.#ready?.name ?? this.#options.name ?? '';
  }

  /** Public URLs, preferred first (after the first READY). */
  get urls(): string[] {
    return this.#ready?.urls ?? [];
  }

  get url(): string {
    return this.urls[0] ?? '';
  }

  /** Resolves once online the first time; rejects on a refusal or an unreachable relay. */
  start(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.#firstResult = { resolve: () => resolve(this), reject };
      this.#connect();
    });
  }

  /** Close the tunnel: no reconnect, open exchanges are reset, sockets closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#livenessTimer);
    const socket = this.#socket;
    this.#session?.close('E_TUNNEL_CLOSED', 'the tunnel client is shutting down');
    if (socket && socket.readyState !== socket.CLOSED) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.close(1000, 'client closing');
      const timeout = setTimeout(() => socket.terminate(), 2_000);
      await closed;
      clearTimeout(timeout);
    }
    this.#local.destroy();
    this.#setState({ state: 'closed' });
    this.#firstResult?.reject(new HooklineError('E_TUNNEL_CLOSED', 'the tunnel was closed before it came online'));
    this.#firstResult = null;
  }

  #setState(state: TunnelState): void {
    this.#state = state;
    this.emit('state', state);
  }

  #emitError(code: ErrorCode, message: string, id?: string): void {
    // 'error' without a listener would throw (EventEmitter rule); it is informational here.
    if (this.listenerCount('error') > 0)
      this.emit('error', id === undefined ? { code, message } : { code, message, id });
  }

  #connect(): void {
    const options = this.#options;
    const relay = this.#relays[this.#relayIndex % this.#relays.length] as string | InProcessRelay;
    const takeover = options.takeover === true && !this.#everOnline;
    this.#refusal = null;
    this.#retryAfterMs = 0;
    if (typeof relay !== 'string') return this.#connectInProcess(relay, takeover);
    const url = connectUrl(relay, { name: options.name, client: this.#clientId, takeover: takeover ? '1' : undefined });
    const socket = new WebSocket(url, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_SIZE,
      handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      generateMask: zeroMask,
    });
    socket.on('unexpected-response', (_req, res) => {
      this.#refused(refusalOf(res));
      res.resume();
      socket.terminate();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#lastProblem = error.code === 'ECONNREFUSED' ? `nothing listens at ${relay}` : error.message;
    });
    this.#attach(socket);
  }

  /** The embedded relay: the same admission and handshake, over an in-process link. */
  #connectInProcess(relay: InProcessRelay, takeover: boolean): void {
    const { token, name } = this.#options;
    relay.connectInProcess({ token, name, clientId: this.#clientId, takeover }).then(
      (link) => {
        if (!link.ok) {
          const retryAfterMs = link.retryAfterMs ?? 0;
          this.#refused({ code: link.code, message: `the relay refused: ${link.message}`, coded: true, retryAfterMs });
          return this.#afterDisconnect();
        }
        if (this.#closed) return link.socket.terminate();
        this.#attach(link.socket);
      },
      (error: Error) => {
        this.#lastProblem = error.message;
        this.#afterDisconnect();
      },
    );
  }

  #refused(refusal: Refusal): void {
    this.#lastProblem = refusal.message;
    this.#retryAfterMs = refusal.retryAfterMs;
    if (refusal.coded) this.#refusal = new HooklineError(refusal.code, refusal.message);
    if (NO_RETRY.has(refusal.code)) this.#fatal = new HooklineError(refusal.code, refusal.message);
  }

  /** Say HELLO once the link is open, then run the session over it. */
  #attach(socket: TunnelSocket): void {
    const options = this.#options;
    this.#socket = socket;
    const writer = new FrameWriter(socket);
    const handshakeTimer = setTimeout(() => {
      this.#lastProblem = 'the relay did not answer the handshake in time';
      socket.terminate();
    }, options.handshakeTimeoutMs ?? 10_000);
    const hello = () =>
      writer.write({
        type: FrameType.HELLO,
        stream: 0,
        message: {
          versions: [PROTOCOL_VERSION],
          clientId: this.#clientId,
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.queue === undefined ? {} : { queue: options.queue }),
          ...(options.access === undefined ? {} : { access: options.access }),
          ...relayAnswersHello(options),
          agent: options.agent ?? 'hookline',
        },
      });
    // An in-process link is open from the start; a WebSocket says when.
    if (socket.readyState === socket.OPEN) hello();
    else socket.once('open', hello);
    socket.on('message', (data: TunnelMessage) => {
      this.#armLiveness();
      if (this.#session) return this.#session.handleMessage(data);
      clearTimeout(handshakeTimer);
      this.#onHandshakeMessage(socket, writer, data);
    });
    socket.on('ping', () => this.#armLiveness());
    socket.once('close', () => {
      clearTimeout(handshakeTimer);
      this.#onSocketClosed(socket);
    });
  }

  #onHandshakeMessage(socket: TunnelSocket, writer: FrameWriter, data: TunnelMessage): void {
    const decoded = readMessage(data);
    const frame = decoded.ok ? decoded.frames[0] : undefined;
    if (frame?.type === FrameType.ERROR) {
      const { code, message } = frame.message;
      this.#lastProblem = `the relay refused: ${message}`;
      this.#refusal = new HooklineError(code, this.#lastProblem);
      if (NO_RETRY.has(code)) this.#fatal = this.#refusal;
      socket.close();
      return;
    }
    if (frame?.type !== FrameType.READY) {
      this.#lastProblem = decoded.ok ? 'the relay did not answer HELLO with READY' : decoded.error.message;
      socket.terminate();
      return;
    }
    this.#ready = frame.message;
    this.#session = new ClientSession(socket, writer, {
      onRequest: (stream, head) => this.#startExchange(stream, head.head, writer),
      onRelayAnswer: (answer) => this.emit('handshake', answer),
      onQueueStatus: (status) => {
        this.#queue = status;
        this.emit('queue', status);
      },
      onFatal: (code, message) => {
        this.#lastProblem = message;
        if (NO_RETRY.has(code)) this.#fatal = new HooklineError(code, message);
        this.#emitError(code, message);
      },
    });
    this.#attempt = 0;
    this.#everOnline = true;
    this.#armLiveness();
    this.#setState({ state: 'online', name: frame.message.name, urls: frame.message.urls });
    this.#firstResult?.resolve();
    this.#firstResult = null;
    // A queued webhook may travel in the same message as READY: it is a request like any other.
    if (decoded.ok && decoded.frames.length > 1) this.#session.handleFrames(decoded.frames.slice(1));
  }

  #startExchange(stream: number, head: Parameters<typeof startLocalExchange>[0]['head'], writer: FrameWriter) {
    const id = String(++this.#exchangeSeq);
    const session = this.#session;
    const clock = this.#options.clock ?? Date.now;
    this.emit('request', { id, head, startedAt: clock() });
    return this.#local.start({
      id,
      stream,
      head,
      writer,
      window: this.#ready?.window ?? DEFAULT_STREAM_WINDOW,
      observer: this.#options.observer,
      offlineResponse: this.#options.offlineResponse,
      late: planLateDelivery(head, this.#options.lateDelivery ?? {}, clock, this.#holdBudget),
      onResponse: (event) => this.emit('response', event),
      onDone: (event) => {
        session?.release(stream);
        if (event.error) this.#emitError(event.error.code, event.error.message, id);
        this.emit('exchange', event);
      },
    });
  }

  /** No ping or message from the relay for 2.5 heartbeats: the link is dead. */
  #armLiveness(): void {
    clearTimeout(this.#livenessTimer);
    const heartbeat = this.#ready?.heartbeatMs;
    if (!heartbeat || this.#closed) return;
    const socket = this.#socket;
    this.#livenessTimer = setTimeout(() => {
      this.#lastProblem = 'the relay stopped answering';
      socket?.terminate();
    }, heartbeat * 2.5);
    this.#livenessTimer.unref();
  }

  #onSocketClosed(socket: TunnelSocket): void {
    if (socket !== this.#socket) return;
    clearTimeout(this.#livenessTimer);
    this.#session?.close('E_TUNNEL_CLOSED', 'the connection to the relay was lost');
    this.#session = null;
    this.#socket = null;
    this.#afterDisconnect();
  }

  /** The link is gone (or never came): give up, or try again after a backoff. */
  #afterDisconnect(): void {
    if (this.#closed) return;
    if (this.#fatal) return this.#fail(this.#fatal);
    const reconnect = this.#options.reconnect;
    // A cluster's other nodes are worth trying before giving up on a first connection.
    const untried = this.#attempt + 1 < this.#relays.length;
    const mayRetry = this.#everOnline ? reconnect !== false : this.#options.retryInitialConnect === true || untried;
    if (!mayRetry) {
      return this.#fail(
        this.#refusal ?? new HooklineError('E_RELAY_UNREACHABLE', `cannot reach the relay: ${this.#lastProblem}`),
      );
    }
    this.#attempt += 1;
    this.#relayIndex += 1;
    // A rate-limited client waits as long as the relay asked: retrying earlier only costs it more.
    const delayMs = Math.max(this.#retryAfterMs, nodeRoundDelay(this.#attempt, this.#relays.length, reconnect || {}));
    this.#setState({ state: 'reconnecting', attempt: this.#attempt, delayMs, reason: this.#lastProblem });
    this.#retryTimer = setTimeout(() => this.#connect(), delayMs);
  }

  #fail(error: HooklineError): void {
    this.#closed = true;
    this.#local.destroy();
    this.#setState({ state: 'failed', code: error.code, message: error.message });
    this.#emitError(error.code, error.message);
    this.#firstResult?.reject(error);
    this.#firstResult = null;
  }
}

/**
 * Open a tunnel and wait until it is online.
 *
 * @example
 * const tunnel = await connectTunnel({ relay: 'http://127.0.0.1:4747', target: 3000 });
 * console.log(tunnel.url);
 * tunnel.on('exchange', (e) => console.log(e.method, e.path, e.status));
 * await tunnel.close();
 */
export function connectTunnel(options: TunnelOptions): Promise<Tunnel> {
  return new Tunnel(options).start();
}
