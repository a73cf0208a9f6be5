/** Lines wait at most this long for company: invisible to a reader, and one write instead of dozens. */
const LINE_WINDOW_MS = 10;

/**
 * Lines written within a short window leave in one write. Under load the
 * per-exchange log of `hookline http --no-tui/--json` was one syscall per
 * request: 15 % of the CLI's CPU at 10 k req/s (profiled). One event-loop turn
 * was the window first, which batches nothing at c=1: one request per turn, so one
 * write (and one wake-up of whoever reads the pipe) per webhook.
 */
export class LineBatcher {
  readonly #stream: NodeJS.WritableStream;
  readonly #windowMs: number;
  #lines: string[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(stream: NodeJS.WritableStream, windowMs = LINE_WINDOW_MS) {
    this.#stream = stream;
    this.#windowMs = windowMs;
  }

  write(line: string): void {
    this.#lines.push(line);
    this.#timer ??= setTimeout(this.flush, this.#windowMs);
  }

  /** Write what is pending now (before exit). */
  readonly flush = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#lines.length === 0) return;
    const text = `${this.#lines.join('\n')}\n`;
    this.#lines = [];
    this.#stream.write(text);
  };
}
