import type { ServerResponse } from 'node:http';
import type { DeclaredOfflineResponse } from './declared-answers.js';

/** Marks an answer the tunnel declared for its offline time, so the caller (and its user) can tell. */
export const OFFLINE_RESPONSE_HEADER = 'hookline-offline-response';

/**
 * Responses that get the tunnel's declared offline response instead of the
 * relay's own offline answer (503, or the queue's 202). Set on the way in, when
 * the tunnel is known; read where the relay would answer "offline", however it
 * got there (this node, or after a cluster hop that found no holder).
 */
const declared = new WeakMap<ServerResponse, DeclaredOfflineResponse>();

export function offerOfflineResponse(res: ServerResponse, response: DeclaredOfflineResponse): void {
  declared.set(res, response);
}

/**
 * Write the declared offline response, with `extra` headers (the error code, a
 * queued delivery's id) that say what really happened. False when there is none.
 */
export function answerOffline(res: ServerResponse, extra: Record<string, string>): boolean {
  const response = declared.get(res);
  if (!response) return false;
  declared.delete(res);
  if (res.headersSent || res.destroyed) return true;
  for (const [name, values] of response.headers)
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  res.setHeader(OFFLINE_RESPONSE_HEADER, '1');
  const bodiless = response.status === 204 || response.status === 304;
  if (!bodiless) res.setHeader('content-length', response.body.length);
  res.writeHead(response.status);
  res.end(bodiless ? undefined : response.body);
  return true;
}
