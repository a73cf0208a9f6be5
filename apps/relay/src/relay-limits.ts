import { type QueueLimits, RELAY_DEFAULTS, type RelayOptions } from '@hookline/relay';
import type { SettingKey, SettingValues } from './settings-table.js';

type NumericOption = {
  [K in keyof RelayOptions]-?: NonNullable<RelayOptions[K]> extends number ? K : never;
}[keyof RelayOptions];

/** Settings that are one numeric `RelayOptions` field each (durations are already in ms). */
export const RELAY_OPTION_OF = {
  maxBodyBytes: 'maxBodyBytes',
  maxHeaderBytes: 'maxHeaderBytes',
  maxHeaderCount: 'maxHeaderCount',
  headersTimeout: 'headersTimeoutMs',
  requestTimeout: 'requestTimeoutMs',
  helloTimeout: 'helloTimeoutMs',
  heartbeatInterval: 'heartbeatIntervalMs',
  maxStreamsPerTunnel: 'maxStreamsPerTunnel',
  maxTunnelsPerToken: 'maxTunnelsPerToken',
  maxNamesPerToken: 'maxNamesPerToken',
  authFailuresPerMinute: 'authFailuresPerMinute',
  authFailuresPerMinuteTotal: 'authFailuresPerMinuteTotal',
} as const satisfies Partial<Record<SettingKey, NumericOption>>;

/** Settings that are one field of the offline queue's `QueueLimits`. */
export const QUEUE_LIMIT_OF = {
  queueMaxEntries: 'maxEntries',
  queueMaxBytes: 'maxBytes',
  queueMaxAge: 'maxAgeMs',
  queueMaxAttempts: 'maxAttempts',
  queueRetryDelay: 'initialDelayMs',
  queueMaxRetryDelay: 'maxDelayMs',
} as const satisfies Partial<Record<SettingKey, keyof QueueLimits>>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The limit settings as `RelayOptions`. Only what the operator set is passed on:
 * the defaults are `createRelay`'s own (`RELAY_DEFAULTS`), so there is one copy.
 */
export function limitOptions(values: SettingValues): RelayOptions {
  const options: RelayOptions = {};
  for (const [key, option] of Object.entries(RELAY_OPTION_OF)) {
    const value = values[key as keyof typeof RELAY_OPTION_OF];
    if (value !== undefined) options[option] = value;
  }
  const queue: Partial<QueueLimits> = {};
  for (const [key, limit] of Object.entries(QUEUE_LIMIT_OF)) {
    const value = values[key as keyof typeof QUEUE_LIMIT_OF];
    if (value !== undefined) queue[limit] = value;
  }
  if (Object.keys(queue).length > 0) options.queue = queue;
  if (values.nameTtlDays !== undefined) options.nameTtlMs = values.nameTtlDays * DAY_MS;
  if (values.tunnelRate !== undefined || values.tunnelBurst !== undefined) {
    const perSecond = values.tunnelRate ?? RELAY_DEFAULTS.tunnelRate.perSecond;
    // A bucket twice the rate, as the defaults have it (500/s, 1 000): lowering the
    // rate alone must not leave a burst of 1 000 that makes the lower rate moot.
    options.tunnelRate = { perSecond, burst: values.tunnelBurst ?? Math.max(1, Math.ceil(2 * perSecond)) };
  }
  return options;
}
