import { DEFAULT_QUEUE_LIMITS, RELAY_DEFAULTS } from '@hookline/relay';
import { bytes, duration, type Setting, setting } from './setting.js';
import { kinds } from './setting-kinds.js';

const D = RELAY_DEFAULTS;
const Q = DEFAULT_QUEUE_LIMITS;

/**
 * The relay's limits and the offline queue's, as settings. Their defaults are read
 * from `RELAY_DEFAULTS` / `DEFAULT_QUEUE_LIMITS`, the values `createRelay` applies
 * when a setting is not given, so the documentation cannot drift from the code.
 */
export const LIMIT_SETTINGS = {
  maxBodyBytes: setting(kinds.bytes, 'limits', {
    flag: '--max-body-bytes',
    env: 'HOOKLINE_MAX_BODY_BYTES',
    about: 'largest request body (413)',
    default: bytes(D.maxBodyBytes),
  }),
  maxHeaderBytes: setting(kinds.bytes, 'limits', {
    flag: '--max-header-bytes',
    env: 'HOOKLINE_MAX_HEADER_BYTES',
    about: 'largest request head (431)',
    default: bytes(D.maxHeaderBytes),
  }),
  maxHeaderCount: setting(kinds.count, 'limits', {
    flag: '--max-header-count',
    env: 'HOOKLINE_MAX_HEADER_COUNT',
    about: 'most header fields (431)',
    default: `${D.maxHeaderCount}`,
  }),
  headersTimeout: setting(kinds.duration, 'limits', {
    flag: '--headers-timeout',
    env: 'HOOKLINE_HEADERS_TIMEOUT',
    about: 'time a caller has to send the head (408)',
    default: duration(D.headersTimeoutMs),
  }),
  requestTimeout: setting(kinds.duration, 'limits', {
    flag: '--request-timeout',
    env: 'HOOKLINE_REQUEST_TIMEOUT',
    about: 'time a caller has to send the request (408)',
    default: duration(D.requestTimeoutMs),
  }),
  tunnelRate: setting(kinds.amount, 'limits', {
    flag: '--tunnel-rate',
    env: 'HOOKLINE_TUNNEL_RATE',
    arg: '<requests per second>',
    about: 'requests per tunnel (429 beyond)',
    default: `${D.tunnelRate.perSecond}`,
  }),
  tunnelBurst: setting(kinds.count, 'limits', {
    flag: '--tunnel-burst',
    env: 'HOOKLINE_TUNNEL_BURST',
    about: 'requests a tunnel may get at once above the rate',
    default: `twice the rate (${D.tunnelRate.burst})`,
  }),
  maxStreamsPerTunnel: setting(kinds.count, 'limits', {
    flag: '--max-streams-per-tunnel',
    env: 'HOOKLINE_MAX_STREAMS_PER_TUNNEL',
    about: 'exchanges in flight per tunnel (503)',
    default: `${D.maxStreamsPerTunnel}`,
  }),
  maxTunnelsPerToken: setting(kinds.count, 'limits', {
    flag: '--max-tunnels-per-token',
    env: 'HOOKLINE_MAX_TUNNELS_PER_TOKEN',
    about: 'live tunnels one token may hold',
    default: `${D.maxTunnelsPerToken}`,
  }),
  maxNamesPerToken: setting(kinds.count, 'limits', {
    flag: '--max-names-per-token',
    env: 'HOOKLINE_MAX_NAMES_PER_TOKEN',
    about: 'names one token may reserve',
    default: `${D.maxNamesPerToken}`,
  }),
  authFailuresPerMinute: setting(kinds.count, 'limits', {
    flag: '--auth-failures-per-minute',
    env: 'HOOKLINE_AUTH_FAILURES_PER_MINUTE',
    about: 'bad tokens a minute from one address (429)',
    default: `${D.authFailuresPerMinute}`,
  }),
  authFailuresPerMinuteTotal: setting(kinds.count, 'limits', {
    flag: '--auth-failures-per-minute-total',
    env: 'HOOKLINE_AUTH_FAILURES_PER_MINUTE_TOTAL',
    about: 'bad tokens a minute from all addresses',
    default: `${D.authFailuresPerMinuteTotal}`,
  }),
  helloTimeout: setting(kinds.duration, 'limits', {
    flag: '--hello-timeout',
    env: 'HOOKLINE_HELLO_TIMEOUT',
    about: 'time a tunnel client has to say HELLO',
    default: duration(D.helloTimeoutMs),
  }),
  heartbeatInterval: setting(kinds.duration, 'limits', {
    flag: '--heartbeat-interval',
    env: 'HOOKLINE_HEARTBEAT_INTERVAL',
    about: 'ping tunnel clients this often',
    default: duration(D.heartbeatIntervalMs),
  }),
  queueMaxEntries: setting(kinds.count, 'queue', {
    flag: '--queue-max-entries',
    env: 'HOOKLINE_QUEUE_MAX_ENTRIES',
    about: 'webhooks queued per tunnel (507)',
    default: `${Q.maxEntries}`,
  }),
  queueMaxBytes: setting(kinds.bytes, 'queue', {
    flag: '--queue-max-bytes',
    env: 'HOOKLINE_QUEUE_MAX_BYTES',
    about: 'queued body bytes per tunnel (507)',
    default: bytes(Q.maxBytes),
  }),
  queueMaxAge: setting(kinds.duration, 'queue', {
    flag: '--queue-max-age',
    env: 'HOOKLINE_QUEUE_MAX_AGE',
    about: 'retried this long, then kept as failed',
    default: duration(Q.maxAgeMs),
  }),
  queueMaxAttempts: setting(kinds.count, 'queue', {
    flag: '--queue-max-attempts',
    env: 'HOOKLINE_QUEUE_MAX_ATTEMPTS',
    about: 'tries, then kept as failed',
    default: `${Q.maxAttempts}`,
  }),
  queueRetryDelay: setting(kinds.duration, 'queue', {
    flag: '--queue-retry-delay',
    env: 'HOOKLINE_QUEUE_RETRY_DELAY',
    about: 'first retry after, doubling each time',
    default: duration(Q.initialDelayMs),
  }),
  queueMaxRetryDelay: setting(kinds.duration, 'queue', {
    flag: '--queue-max-retry-delay',
    env: 'HOOKLINE_QUEUE_MAX_RETRY_DELAY',
    about: 'longest wait between retries',
    default: duration(Q.maxDelayMs),
  }),
} as const satisfies Record<string, Setting>;
