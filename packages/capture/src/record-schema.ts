import { PROVIDERS, type ProviderId } from '@hookline/signatures';
import { z } from 'zod';
import type { StoreData } from './types.js';

/** Bodies were base64 in the file; in memory they are bytes. */
const body = z
  .object({ data: z.string(), size: z.number().int().nonnegative(), truncated: z.boolean() })
  .transform(({ data, size, truncated }) => ({ bytes: Buffer.from(data, 'base64'), size, truncated }));
const headers = z.array(z.string()).refine((list) => list.length % 2 === 0, 'headers must be name/value pairs');

const record = z.object({
  id: z.string().min(1),
  tunnel: z.string(),
  origin: z.enum(['live', 'replay', 'queued']),
  replayOf: z.string().nullable(),
  target: z.string(),
  startedAt: z.number(),
  request: z.object({
    method: z.string().min(1),
    path: z.string(),
    headers,
    body,
    remoteAddress: z.string(),
    protocol: z.enum(['http', 'https']),
    host: z.string(),
    publicPath: z.string().exactOptional(),
  }),
  response: z.object({ status: z.number().int(), statusText: z.string(), headers, body }).nullable(),
  timings: z.object({ waitMs: z.number().nullable(), totalMs: z.number() }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  signature: z
    .object({
      status: z.enum(['valid', 'invalid', 'stale', 'no-secret', 'unsigned']),
      provider: z.enum(PROVIDERS as [ProviderId, ...ProviderId[]]).nullable(),
      reason: z.string().nullable(),
      timestamp: z.number().nullable(),
    })
    .exactOptional(),
  event: z.object({ provider: z.enum(PROVIDERS as [ProviderId, ...ProviderId[]]), id: z.string() }).exactOptional(),
  duplicateOf: z.string().exactOptional(),
});

/** What a store file must hold; anything else is treated as corrupt. */
export const storeDataSchema: z.ZodType<StoreData> = z.object({
  version: z.literal(1),
  nextId: z.number().int().positive(),
  captures: z.array(record),
});
