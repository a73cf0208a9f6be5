import type { ErrorCode } from '@hookline/protocol';
import type { ClientStream } from './exchange-lifecycle.js';

/**
 * The start of a stream whose route depends on its body (`stripe:invoice.*`):
 * body frames are kept until the request ends, then the route is chosen and the
 * real exchange gets them in order. No credit is returned meanwhile, so at most
 * one stream window (1 MiB by default) arrives unasked; a body that fills the
 * window without ending is too long to wait for, and the route is chosen without
 * it (path and default routes). The exchange then returns credit for what it
 * drains, as it would have anyway: the relay never holds more credit than usual.
 */
export class RouteHold implements ClientStream {
  readonly #window: number;
  readonly #start: (body: Buffer | 'too-large') => ClientStream;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #started: ClientStream | null = null;

  constructor(window: number, start: (body: Buffer | 'too-large') => ClientStream) {
    this.#window = window;
    this.#start = start;
  }

  onRequestBody(chunk: Buffer): void {
    if (this.#started) return this.#started.onRequestBody(chunk);
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    if (this.#bytes >= this.#window) this.#begin('too-large', false);
  }

  onRequestEnd(): void {
    if (this.#started) return this.#started.onRequestEnd();
    const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#bytes);
    this.#begin(body, true);
  }

  onWindow(credit: number): void {
    // Response credit: there is no response before the exchange starts.
    this.#started?.onWindow(credit);
  }

  onReset(code: ErrorCode, message: string): void {
    // The exchange still starts, to end at once: every request gets its one `exchange` event.
    if (!this.#started) this.#begin('too-large', false);
    this.#started?.onReset(code, message);
  }

  #begin(body: Buffer | 'too-large', ended: boolean): void {
    const started = this.#start(body);
    this.#started = started;
    const chunks = this.#chunks;
    this.#chunks = [];
    for (const chunk of chunks) started.onRequestBody(chunk);
    if (ended) started.onRequestEnd();
  }
}
