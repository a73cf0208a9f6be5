/**
 * @module the inspector's entry. Imported only when the TUI opens, so Ink and
 * React (~0.8 s to load) are never paid for by `--version`, `relay`, `--no-tui`…
 */
import { render } from 'ink';
import { Inspector, type InspectorProps } from './inspector.js';
import { holdInput, releaseInput } from './lent-input.js';
import type { InspectorActions } from './sources.js';

/** Alternate screen: the inspector gets a clean screen, and quitting restores the user's. */
const ENTER_SCREEN = '\x1b[?1049h\x1b[2J\x1b[H';
const LEAVE_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';

/** Ink draws at most this often; a frame asked for sooner is drawn at the end of the interval. */
const MAX_FPS = 30;
/**
 * Waiting this long lets a frame Ink deferred be drawn before the terminal is lent
 * (a timer set later for longer fires after Ink's): drawn afterwards, it would land
 * on the editor's screen.
 */
const FRAME_SETTLE_MS = Math.ceil(1000 / MAX_FPS) + 10;

export interface OpenInspectorOptions extends Omit<InspectorProps, 'actions'> {
  /** Everything but `lendTerminal`, which needs the Ink instance. */
  actions: Omit<InspectorActions, 'lendTerminal'>;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export interface InspectorHandle {
  /** Resolves when the user quits (q, Ctrl-C) or `close()` is called; the terminal is restored. */
  done: Promise<void>;
  close(): void;
}

/** Set SIGINT's listeners aside (one that ignores it stands in); returns the function that puts them back. */
function holdSigint(): () => void {
  const saved = process.rawListeners('SIGINT') as Array<(...args: unknown[]) => void>;
  process.removeAllListeners('SIGINT');
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return () => {
    process.off('SIGINT', ignore);
    for (const listener of saved) process.on('SIGINT', listener);
  };
}

/** Draw the inspector on the terminal until the user quits. */
export function openInspector(options: OpenInspectorOptions): InspectorHandle {
  const { stdin, stdout } = options;
  stdout.write(ENTER_SCREEN);
  let instance: ReturnType<typeof render> | null = null;
  const actions: InspectorActions = {
    ...options.actions,
    async lendTerminal(work) {
      // Ink has released input (useInput inactive), but Node would go on reading the
      // terminal and race the editor for every key: stop it, then let the program own the screen.
      const resume = holdInput(stdin);
      // Raw mode is off while the editor runs, so Ctrl-C there is a SIGINT to the whole
      // process group: it is the editor's to handle, not a reason to stop the tunnel.
      const restoreSigint = holdSigint();
      await new Promise((resolve) => setTimeout(resolve, FRAME_SETTLE_MS));
      instance?.clear();
      stdout.write(`${LEAVE_SCREEN}\x1b[?25h`);
      try {
        return await work();
      } finally {
        restoreSigint();
        // Nothing meant for the editor (keys, the terminal's answers to its queries)
        // may reach the inspector as a command. A terminal gone meanwhile has no input left.
        await releaseInput(stdin, stdout, resume).catch(() => {});
        // Editors leave the alternate screen on exit: enter it again and redraw all.
        stdout.write(ENTER_SCREEN + HIDE_CURSOR);
        instance?.clear();
      }
    },
  };
  instance = render(
    <Inspector
      captures={options.captures}
      status={options.status}
      actions={actions}
      {...(options.notice ? { notice: options.notice } : {})}
      {...(options.noticeTone ? { noticeTone: options.noticeTone } : {})}
    />,
    { stdin, stdout, exitOnCtrlC: true, patchConsole: true, maxFps: MAX_FPS },
  );
  const ink = instance;
  const done = ink.waitUntilExit().then(
    () => {},
    () => {},
  );
  return {
    done: done.finally(() => {
      stdout.write(LEAVE_SCREEN);
    }),
    close: () => ink.unmount(),
  };
}
