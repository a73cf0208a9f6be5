/**
 * The relay's account of the response-body credit it granted each stream of one
 * session: the window at open, plus every WINDOW it wrote since. A client may
 * have sent at most that much; anything beyond is a flow-control violation.
 *
 * Why it lives in the session and not in each exchange: every stream kind (plain
 * exchange, upgrade, queued delivery) gets the same bound without each of them
 * remembering to check, and the check runs before any destination sees a byte.
 * Since credit only comes back as the destination drains, the bytes a stream can
 * make the relay hold are bounded by the window, whatever the client sends.
 */
export class FlowLedger {
  readonly #window: number;
  readonly #credit = new Map<number, number>();

  constructor(window: number) {
    this.#window = window;
  }

  open(stream: number): void {
    this.#credit.set(stream, this.#window);
  }

  /** The relay wrote WINDOW for `stream`. */
  grant(stream: number, credit: number): void {
    const current = this.#credit.get(stream);
    if (current !== undefined) this.#credit.set(stream, current + credit);
  }

  /** Body bytes arrived; false (and nothing taken) when they are beyond the credit. */
  take(stream: number, bytes: number): boolean {
    const current = this.#credit.get(stream);
    if (current === undefined) return true;
    if (bytes > current) return false;
    this.#credit.set(stream, current - bytes);
    return true;
  }

  close(stream: number): void {
    this.#credit.delete(stream);
  }
}
