import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CapturedRequest, parseEditedRequest, type RequestEdit, renderEditableRequest } from '@hookline/capture';
import { UserError } from '../user-error.js';

/** `$VISUAL`, else `$EDITOR`, else vi, as git does. */
export function editorCommand(env: NodeJS.ProcessEnv): string {
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
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new UserError(`editor "${command}" exited with ${code}; nothing was replayed`));
    });
  });
}

/**
 * Let the user edit a captured request in `$EDITOR`; returns only what changed
 * (an empty edit when nothing did), so untouched parts replay byte-exact.
 */
export async function editRequest(request: CapturedRequest, env: NodeJS.ProcessEnv): Promise<RequestEdit> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-edit-'));
  const file = join(dir, 'request.http');
  try {
    await writeFile(file, renderEditableRequest(request), { mode: 0o600 });
    await runEditor(editorCommand(env), file, env);
    return parseEditedRequest(await readFile(file, 'utf8'), request);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
