import type { ServerResponse } from 'node:http';

/** Public requests being answered right now (metrics, and what a graceful stop waits for). */
export class InFlight {
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Count `res` until it closes, however it ends (answered, proxied, cut). */
  track(res: ServerResponse): void {
    this.#count += 1;
    res.once('close', () => {
      this.#count -= 1;
    });
  }
}
