/**
 * Keeping the terminal's input away from the inspector while another program
 * (the editor) owns the terminal, and throwing away what was meant for it.
 *
 * Why this is needed: Ink releasing its input (raw mode off, no listener) does
 * not stop Node reading the TTY. The stream keeps filling its buffer, so Node and
 * the editor race for every byte: keys typed in vim went missing, and arrived in
 * the inspector afterwards as commands (`e`, `c`…); and the terminal's answers to
 * the editor's queries (vim asks for the terminal version, `ESC [ > … c`, and the
 * cursor position) reached Ink, whose `c` opened the curl view, or crashed its
 * parser.
 */

/** Device Status Report: every VT100-compatible terminal (xterm, tmux, screen…) answers `ESC [ 0 n`. */
const STATUS_REQUEST = '\x1b[5n';
const STATUS_OK = '\x1b[0n';

/** A terminal that does not answer the status request is given this long to go quiet. */
const ANSWER_TIMEOUT_MS = 500;

/** The part of Node's TTY handle (`tty.ReadStream._handle`) that starts and stops reading. */
interface ReadHandle {
  reading?: boolean;
  readStop?: () => number;
  readStart?: () => number;
}

/**
 * Stop Node reading the terminal; the returned function starts it again. There is
 * no public API for it (`pause()` only stops events), so this uses the stream's
 * handle the way `net.Socket` does on back-pressure (`reading` + `readStop()`).
 * The stream itself cannot restart it: it still waits for the read it asked for,
 * hence the explicit `readStart()`. Without such a handle nothing is stopped,
 * and `releaseInput` still discards what was read meanwhile.
 */
export function holdInput(stdin: NodeJS.ReadStream): () => void {
  const handle = (stdin as unknown as { _handle?: ReadHandle })._handle;
  if (!handle?.reading || typeof handle.readStop !== 'function' || typeof handle.readStart !== 'function') {
    return () => {};
  }
  handle.reading = false;
  handle.readStop();
  return () => {
    if (handle.reading) return;
    handle.reading = true;
    handle.readStart?.();
  };
}

/**
 * Read and drop input until `marker` has been seen (resolves true) or nothing
 * matched within `timeoutMs` (false). Reads the way Ink does (`readable` + `read()`),
 * so the stream is left in the mode Ink expects.
 */
export function discardUntil(stdin: NodeJS.ReadableStream, marker: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = '';
    let found = false;
    const finish = (): void => {
      clearTimeout(timer);
      // Read until the stream says it is empty: only then does it emit `readable`
      // again for the next reader (Ink), instead of leaving its input dead.
      while (stdin.read() !== null);
      stdin.removeListener('readable', onReadable);
      resolve(found);
    };
    const onReadable = (): void => {
      let chunk: string | Buffer | null;
      // biome-ignore lint/suspicious/noAssignInExpressions: the stream idiom.
      while ((chunk = stdin.read() as string | Buffer | null) !== null) {
        seen += String(chunk);
        if (seen.includes(marker)) {
          found = true;
          return finish();
        }
        // Only the tail can hold the start of a marker split across chunks.
        seen = seen.slice(-marker.length);
      }
    };
    const timer = setTimeout(finish, timeoutMs);
    stdin.on('readable', onReadable);
    onReadable();
  });
}

/**
 * Hand input back after `holdInput` (`resume` is what it returned): drop what Node buffered, then ask the terminal
 * for its status and drop everything up to its answer. A terminal answers in order,
 * so answers to queries the editor sent before it exited come first and go with
 * it; so do keys typed meanwhile. Raw mode is needed to read an answer that ends
 * in no newline, and is left off: Ink turns it on again when its input resumes.
 */
export async function releaseInput(
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WritableStream,
  resume: () => void,
): Promise<void> {
  resume();
  if (!stdin.isTTY) return;
  stdin.setRawMode(true);
  try {
    stdout.write(STATUS_REQUEST);
    await discardUntil(stdin, STATUS_OK, ANSWER_TIMEOUT_MS);
  } finally {
    stdin.setRawMode(false);
  }
}
