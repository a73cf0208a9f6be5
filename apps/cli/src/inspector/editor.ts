import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CapturedRequest,
  CaptureError,
  parseEditedRequest,
  type RequestEdit,
  renderEditableRequest,
} from '@hookline/capture';
import { UserError } from '../user-error.js';

/** `$VISUAL`, else `$EDITOR`, else vi, as git does. */
function editorCommand(env: NodeJS.ProcessEnv): string {
  return env.VISUAL || env.EDITOR || 'vi';
}

/** Run the editor on a file, attached to this terminal, and wait for it to exit. */
function runEditor(command: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // Through the shell, so `EDITOR="code --wait"` works as it does for git.
    const child = spawn(`${command} "$HOOKLINE_EDIT_FILE"`, {
      shell: true,
      stdio: 'inherit',
      env: { ...env, HOOKLINE_EDIT_FILE: file },
    });
    child.once('error', (error) => reject(new UserError(`cannot start editor "${command}": ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) return resolve();
      // vim's `:cq`, an editor killed: the user backed out, as git treats it.
      const how = signal ? `was stopped by ${signal}` : `exited with ${code}`;
      reject(new CaptureError('E_EDIT_CANCELLED', `editor "${command}" ${how}; nothing was replayed`));
    });
  });
}

/**
 * Let the user edit a captured request in `$EDITOR`; returns only what changed,
 * so untouched parts replay byte-exact. Backing out cancels (`E_EDIT_CANCELLED`):
 * an editor that exits non-zero, or a file left exactly as it was written (vim's
 * `:q!`, closing without saving), sends nothing, rather than replaying as is.
 */
export async function editRequest(request: CapturedRequest, env: NodeJS.ProcessEnv): Promise<RequestEdit> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-edit-'));
  const file = join(dir, 'request.http');
  try {
    const written = renderEditableRequest(request);
    await writeFile(file, written, { mode: 0o600 });
    await runEditor(editorCommand(env), file, env);
    // An editor that saved elsewhere or removed the file has left nothing to send.
    const edited = await readFile(file).catch(() => null);
    if (edited === null) throw new CaptureError('E_EDIT_CANCELLED', `${file} is gone; nothing was replayed`);
    if (edited.equals(Buffer.from(written))) {
      throw new CaptureError('E_EDIT_CANCELLED', 'the request was left unchanged; nothing was replayed');
    }
    return parseEditedRequest(edited.toString('utf8'), request);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
