import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import { seedCaptures } from './test-support/capture-fixture.js';
import { CLI_BIN } from './test-support/cli-process.js';
import { builtChunksContaining, CLUSTER_CHUNK_MARKER, importTrace } from './test-support/import-trace.js';
import { startTmux, type TmuxSession } from './test-support/tmux.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

let dir = '';
let origin: BytesOrigin;
let tmux: TmuxSession | null = null;

beforeAll(() => {
  if (!existsSync(join(APP_DIR, 'dist', 'hookline.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: APP_DIR, stdio: 'inherit' });
  }
}, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-tmux-'));
  origin = await startBytesOrigin();
});

afterEach(async () => {
  tmux?.kill();
  tmux = null;
  await origin.close();
  await rm(dir, { recursive: true, force: true });
});

/** What the program in tmux sees: nothing of this process's environment but PATH. */
const terminalEnv = () => ({
  PATH: process.env.PATH ?? '',
  HOME: dir,
  XDG_STATE_HOME: dir,
  XDG_CONFIG_HOME: dir,
  TERM: 'xterm-256color',
  HOOKLINE_INSPECT_PORT: '0',
});

/**
 * Footer hints: the screen that proves which view has the keys. A key is typed only
 * once the screen shows the previous one was handled (an Esc typed together with a
 * letter would read as Alt+letter).
 */
const LIST_KEYS = /↑↓ ⏎ open {2}r replay/;
const FILTER_KEYS = /⏎ apply {2}esc cancel/;

describe('hookline http in a real terminal (tmux, 80×24)', () => {
  it('shows the inspector; select, detail, replay, filter and quit work and restore the screen', async () => {
    tmux = startTmux([process.execPath, CLI_BIN, 'http', String(origin.port), '--name', 'tui'], {
      ...terminalEnv(),
    });
    const first = await tmux.waitFor(/● online http:\/\/tui\.localhost:(\d+)/);
    const port = /tui\.localhost:(\d+)/.exec(first)?.[1];
    const base = `http://127.0.0.1:${port}/t/tui`;
    expect(first).toContain('waiting for requests');
    // The web inspector's URL is news on the message line, right above the hints.
    expect((await tmux.waitFor(/Inspector http:\/\/127\.0\.0\.1:\d+\/#[\w-]{43}/)).split('\n')[21]).toMatch(
      /^Inspector /,
    );
    expect(first.split('\n')[22]).toBe('↑↓ ⏎ open  r replay  e edit  / filter  c curl  x HAR  p pause  ? help  q quit');

    expect(
      await sendBytes(
        `${base}/hooks/one`,
        'POST',
        { 'content-type': 'application/json' },
        Buffer.from('{"id":"evt_1","paid":true}'),
      ),
    ).toBe(200);
    expect(await sendBytes(`${base}/fail/two`, 'GET', {}, Buffer.alloc(0))).toBe(500);
    const listed = await tmux.waitFor(/2 captured/);
    // ID first, SIZE last as request → response.
    expect(listed).toMatch(/ ID TIME\s+METHOD\s+PATH\s+SIG\s+STATUS\s+DURATION\s+SIZE req → res/);
    expect(listed).toMatch(/▸ 2 \d\d:\d\d:\d\d GET\s+\/fail\/two\s+500\s+\d+ ms\s+0 B → 11 B/);
    expect(listed).toMatch(/\n {2}1 \d\d:\d\d:\d\d POST\s+\/hooks\/one\s+200\s+\d+ ms\s+26 B → \d+ B/);

    tmux.keys(['p']);
    expect((await tmux.waitFor(/· paused/)).split('\n')[22]).toContain('p resume');
    tmux.keys(['p']);
    expect((await tmux.waitFor(/p pause/)).split('\n')[22]).not.toContain('resume');

    tmux.keys(['j']);
    await tmux.waitFor(/▸ 1 \d\d:\d\d:\d\d POST\s+\/hooks\/one/);
    tmux.keys(['Enter']);
    const detail = await tmux.waitFor(/#1 POST \/hooks\/one/);
    expect(detail).toContain('"paid": true');
    expect(detail).toMatch(/Content-Type: application\/json|content-type: application\/json/);
    tmux.keys(['Escape']);
    await tmux.waitFor(/TIME\s+METHOD\s+PATH/);

    tmux.keys(['r']);
    await tmux.waitFor(/replayed #1 as #3: 200 OK/);
    expect(origin.received.at(-1)?.body.toString()).toBe('{"id":"evt_1","paid":true}');
    await tmux.waitFor(/3 captured/);

    tmux.keys(['/']);
    await tmux.waitFor(FILTER_KEYS);
    tmux.keys(['status:5xx'], true);
    await tmux.waitFor(/\/status:5xx/);
    tmux.keys(['Enter']);
    const filtered = await tmux.waitFor(/1 shown · filter: status:5xx/);
    expect(filtered).not.toContain('/hooks/one');

    tmux.keys(['q']);
    const after = await tmux.waitFor(/\[exited 0\]/);
    // The alternate screen is gone: the inspector's frame no longer shows.
    expect(after).not.toContain('● online');
    expect(after).toMatch(/hookline: 3 captures kept/);
  });

  it('opens without loading ioredis or the cluster code; Ink and React come from the bundle', async () => {
    const trace = importTrace(dir);
    tmux = startTmux([process.execPath, CLI_BIN, 'http', String(origin.port)], {
      ...terminalEnv(),
      NODE_OPTIONS: trace.nodeOptions,
    });
    await tmux.waitFor(/● online /);
    tmux.keys(['q']);
    await tmux.waitFor(/\[exited 0\]/);
    const loaded = readFileSync(trace.log, 'utf8');
    expect(loaded).toMatch(/open-inspector-\w+\.js/);
    // Only what tsup.config.ts leaves out of the bundle is imported from node_modules.
    const packages = new Set([...loaded.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]));
    expect([...packages]).toEqual(['better-sqlite3']);
    for (const chunk of builtChunksContaining(CLUSTER_CHUNK_MARKER)) expect(loaded).not.toContain(`/dist/${chunk}`);
  });

  it('after the editor returns no key meant for it acts in the inspector, and the editor got all it was typed', async () => {
    // Like vim: read what the user types, ask the terminal things (version, cursor,
    // background) and exit before the answers come. `c` ends the version answer,
    // and used to open the curl view; Node used to steal typed keys from the editor.
    const editor = join(dir, 'editor.sh');
    await writeFile(
      editor,
      [
        '#!/bin/sh',
        "printf 'EDITOR READY\\n' > /dev/tty",
        'IFS= read -r typed < /dev/tty',
        "printf '\\033[>c\\033[6n\\033]11;?\\007' > /dev/tty",
        '[ "$typed" = cancel ] && exit 1',
        'sed -i "1a x-typed: $typed" "$1"',
        '',
      ].join('\n'),
    );
    await chmod(editor, 0o755);
    tmux = startTmux([process.execPath, CLI_BIN, 'http', String(origin.port), '--name', 'tui'], {
      ...terminalEnv(),
      EDITOR: editor,
    });
    const first = await tmux.waitFor(/● online http:\/\/tui\.localhost:(\d+)/);
    const port = /tui\.localhost:(\d+)/.exec(first)?.[1];
    await sendBytes(
      `http://127.0.0.1:${port}/t/tui/hooks/one`,
      'POST',
      { 'content-type': 'text/plain' },
      Buffer.from('hi'),
    );
    await tmux.waitFor(/▸\s*\d+ \d\d:\d\d:\d\d POST\s+\/hooks\/one/);

    const edit = async (typed: string): Promise<string> => {
      tmux?.keys(['e']);
      await tmux?.waitFor(/EDITOR READY/);
      // Typed while the editor has the terminal: every key (e, c, q, j…) is the editor's.
      tmux?.keys([typed], true);
      tmux?.keys(['Enter']);
      return (await tmux?.waitFor(/(edit of|replayed) #\d/)) ?? '';
    };
    // A key meant for the editor, or a terminal answer to its queries, is in the
    // terminal's input before the editor exits, so before a key typed now: once this
    // key's help shows, any such stray key has acted. (From the curl view a stray `c`
    // opens, `?` does nothing and help never shows.)
    const strayKeysActed = async (): Promise<string> => {
      tmux?.keys(['?']);
      const help = (await tmux?.waitFor(/any key to close/)) ?? '';
      tmux?.keys(['z']);
      await tmux?.waitFor(LIST_KEYS);
      return help;
    };

    const replayed = await edit('jecqx');
    expect(replayed).toMatch(/replayed #1 as #2: 200 OK/);
    expect(origin.received.at(-1)?.headers['x-typed']).toBe('jecqx');
    await strayKeysActed();
    let screen = tmux.screen();
    expect(screen).not.toContain('curl for #');
    expect(screen).toMatch(/TIME\s+METHOD\s+PATH/);

    // The replay is the newest capture now, and selected.
    const cancelled = await edit('cancel');
    expect(cancelled).toMatch(/edit of #2 cancelled: editor ".*editor\.sh" exited with/);
    await strayKeysActed();
    screen = tmux.screen();
    expect(screen).not.toContain('curl for #');
    expect(screen).toMatch(/TIME\s+METHOD\s+PATH/);
    expect(origin.received).toHaveLength(2);

    // Ctrl-C in the editor is the editor's: it ends the edit, not hookline.
    tmux.keys(['e']);
    await tmux.waitFor(/EDITOR READY/);
    tmux.keys(['C-c']);
    await tmux.waitFor(/edit of #2 cancelled/);
    expect(tmux.screen()).toMatch(/● online/);
    expect(origin.received).toHaveLength(2);

    // Input is the inspector's again: keys work.
    tmux.keys(['Enter']);
    await tmux.waitFor(/#\d POST \/hooks\/one/);
    tmux.keys(['q']);
    await tmux.waitFor(/\[exited 0\]/);
  });

  it('lays out emoji and CJK by terminal columns: rows stay aligned, nothing overflows, no emoji is split', async () => {
    const cjk = `/订单/${'支付成功回调'.repeat(6)}`;
    const emoji = `/${'🎉'.repeat(24)}`;
    const body = JSON.stringify({ note: '注'.repeat(50), party: '🎉'.repeat(50) });
    await seedCaptures(join(dir, 'hookline'), 3, {
      tunnel: 'wide',
      paths: ['/hooks/ascii', cjk, emoji],
      requestBody: Buffer.from(body),
    });
    tmux = startTmux([process.execPath, CLI_BIN, 'http', String(origin.port), '--name', 'wide'], terminalEnv());
    const list = await tmux.waitFor(/● online .*\n3 captured/);
    const rows = list.split('\n');
    const unbroken = (screen: string) => {
      for (const line of screen.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
      // A surrogate pair cut in two shows as U+FFFD (or a lone surrogate).
      expect(screen).not.toMatch(/\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    };
    unbroken(list);
    // Each row's status and duration start at the column the header gives them.
    const column = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    const header = rows.find((line) => line.includes('STATUS')) ?? '';
    for (const path of ['/hooks/ascii', '/订单/', '/🎉']) {
      const row = rows.find((line) => line.includes(path)) ?? '';
      expect(row, path).toMatch(/ 200 +3 ms/);
      expect(column(row, ' 200 '), path).toBe(column(header, ' STATUS'));
    }
    // The path column is cut with an ellipsis, whole characters only.
    expect(rows.find((line) => line.includes('/订单/'))).toMatch(/\/订单\/[支付成功回调]+…/);

    tmux.keys(['Enter']); // the detail of #3 (newest, selected): the body wraps at the edge
    const detail = await tmux.waitFor(/注/);
    unbroken(detail);
    expect([...detail.matchAll(/🎉/g)].length).toBeGreaterThanOrEqual(50 + 1);
    expect([...detail.matchAll(/注/g)].length).toBe(50);
    tmux.keys(['Escape']);
    await tmux.waitFor(LIST_KEYS);
    tmux.keys(['q']);
    await tmux.waitFor(/\[exited 0\]/);
  }, 60_000);

  it('opens a history of 100 000, filters it as you type, replays from it, and names a bad filter key', async () => {
    await seedCaptures(join(dir, 'hookline'), 100_000, { tunnel: 'big', target: `${origin.url}/` });
    tmux = startTmux(
      [process.execPath, CLI_BIN, 'http', String(origin.port), '--name', 'big', '--max-captures', '100000'],
      terminalEnv(),
    );
    await tmux.waitFor(/● online .*\n100000 captured/, 20_000);
    expect(tmux.screen()).toMatch(/▸100000 \d\d:\d\d:\d\d POST\s+\/hooks\/100000/);
    tmux.keys(['/']);
    await tmux.waitFor(FILTER_KEYS);
    tmux.keys(['path:/hooks/99999'], true);
    // Applied as typed, before Enter: the database answers which ids match.
    await tmux.waitFor(/1 shown · filter: path:\/hooks\/99999\n/, 10_000);
    tmux.keys(['Enter']);
    await tmux.waitFor(/▸ ?99999 \d\d:\d\d:\d\d POST\s+\/hooks\/99999/);
    tmux.keys(['r']);
    await tmux.waitFor(/replayed #99999 as #100001: 200 OK/, 10_000);
    expect(origin.received.at(-1)).toMatchObject({ method: 'POST', url: '/hooks/99999' });

    tmux.keys(['/']);
    await tmux.waitFor(FILTER_KEYS);
    tmux.keys([' foo:bar'], true);
    await tmux.waitFor(/unknown filter key "foo"; keys: method, path, status, header, body, sig, tunnel/);
    tmux.keys(['Escape']);
    await tmux.waitFor(LIST_KEYS);
    tmux.keys(['q']);
    await tmux.waitFor(/\[exited 0\]/);
  }, 60_000);
});
