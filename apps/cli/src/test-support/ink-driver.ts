/**
 * Drive an Ink app like a fast typist, with no fixed sleeps: each key is written
 * as soon as Ink reads input, and a frame is waited for as it is drawn, not polled.
 *
 * Two facts about Ink make the timing matter:
 * - Input is read only once a `useInput` hook's effect has run (after the first
 *   frame, and again after input was switched off, e.g. while the editor runs).
 *   The test stdin (ink-testing-library) drops what is written before that; a
 *   real terminal would buffer it. So a key waits until Ink listens to stdin.
 * - A lone Esc is held until the next turn of the event loop: it may be the start
 *   of an escape sequence, and Esc written together with a letter reads as Alt+letter.
 *   So `press` resolves only once Ink has handed a held Esc to the app.
 *
 * Waiting for a frame resolves in the microtask after Ink writes it, before React
 * runs that render's effects: the next key then comes at the earliest moment a
 * user could send it, which is when a key handler still bound to an older render
 * would act on what is no longer on screen.
 */
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';

export interface InkDriver {
  /** The last frame Ink drew. */
  frame(): string;
  /** The current frame if it matches, else the first later one that does; fails after `timeoutMs`. */
  waitForFrame(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Write `keys` (one chunk) once Ink reads input; resolves when Ink has delivered them to the app. */
  press(keys: string): Promise<void>;
}

/** Long enough for a loaded machine, short enough to fail within the test's own timeout. */
const FRAME_TIMEOUT_MS = 10_000;

export function driveInk(tree: ReactElement): InkDriver {
  const ui = render(tree);
  const onFrame = new Set<(frame: string) => void>();
  const write = ui.stdout.write;
  ui.stdout.write = (frame: string) => {
    write(frame);
    for (const listener of [...onFrame]) listener(frame);
  };
  const frame = () => ui.lastFrame() ?? '';

  /** Ink listens for `readable` on stdin exactly while some `useInput` is active. */
  const listening = (): Promise<void> => {
    if (ui.stdin.listenerCount('readable') > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ui.stdin.off('newListener', onListener);
        reject(new Error(`Ink never read input within ${FRAME_TIMEOUT_MS} ms; last frame:\n${frame()}`));
      }, FRAME_TIMEOUT_MS);
      // Emitted just before the listener is added, from inside the effect that adds
      // it: the microtask runs once React has finished running that render's effects.
      const onListener = (event: string | symbol) => {
        if (event !== 'readable') return;
        clearTimeout(timer);
        ui.stdin.off('newListener', onListener);
        queueMicrotask(resolve);
      };
      ui.stdin.on('newListener', onListener);
    });
  };

  return {
    frame,
    waitForFrame(pattern, timeoutMs = FRAME_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const check = (text: string) => {
          if (!pattern.test(text)) return;
          done();
          resolve(text);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no frame matching ${pattern} within ${timeoutMs} ms; last frame:\n${frame()}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          onFrame.delete(check);
        };
        onFrame.add(check);
        check(frame());
      });
    },
    async press(keys) {
      await listening();
      ui.stdin.write(keys);
      // Ink flushes a held Esc with setImmediate, queued during the write: this one runs after it.
      if (keys.includes('\u001B')) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
