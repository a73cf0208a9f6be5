import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureStore } from '@hookline/capture';
import { cleanup } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localCaptureService } from '../inspector/capture-service.js';
import { inspectorActions } from '../inspector/inspector-actions.js';
import { driveInk } from '../test-support/ink-driver.js';
import { type Origin, startOrigin } from '../test-support/origin.js';
import { draft } from '../test-support/records.js';
import { Inspector } from './inspector.js';
import type { StatusSource, TunnelView } from './sources.js';

let dir = '';
let store: CaptureStore;
let origin: Origin;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-tui-'));
  store = await CaptureStore.open({ file: null });
  origin = await startOrigin();
});

afterEach(async () => {
  cleanup();
  await store.close();
  await origin.close();
  await rm(dir, { recursive: true, force: true });
});

/** Footer hints of each view: the frame that proves which view has the keys. */
const LIST = /↑↓ ⏎ open {2}r replay/;
const FILTERING = /⏎ apply {2}esc cancel/;

function status(view: Partial<TunnelView> = {}): StatusSource {
  const current: TunnelView = {
    url: 'http://demo.localhost:4747',
    target: 'http://localhost:3000',
    state: 'online',
    ...view,
  };
  return { get: () => current, subscribe: () => () => {} };
}

function mount(env: NodeJS.ProcessEnv = {}, view: Partial<TunnelView> = {}) {
  const actions = {
    ...inspectorActions({ service: localCaptureService(store), env, cwd: dir }),
    lendTerminal: <T>(work: () => Promise<T>) => work(),
  };
  // createElement, not JSX: test files stay .ts (the package's vitest include).
  return driveInk(createElement(Inspector, { captures: store, status: status(view), actions }));
}

/** Three captures aimed at the real origin: newest first on screen is /c. */
function seed(): void {
  const target = `http://127.0.0.1:${origin.port}/`;
  store.add({ ...draft({ path: '/a', body: '{"n":1}' }), target });
  store.add({ ...draft({ path: '/b', status: 500 }), target });
  store.add({
    ...draft({ path: '/c', body: 'x=1&y=two', headers: ['Content-Type', 'application/x-www-form-urlencoded'] }),
    target,
  });
}

describe('Inspector', () => {
  it('shows the tunnel, the counts and the captures, newest first, with the first selected', async () => {
    seed();
    const ui = mount();
    const frame = await ui.waitForFrame(/▸.*\/c/);
    expect(frame).toMatch(/hookline ● online http:\/\/demo\.localhost:4747 → http:\/\/localhost:3000/);
    expect(frame).toContain('3 captured');
    const rows = frame.split('\n').filter((line) => /\d\d:\d\d:\d\d/.test(line));
    expect(rows.map((row) => /\/[abc]/.exec(row)?.[0])).toEqual(['/c', '/b', '/a']);
    expect(rows[0]).toMatch(/^▸/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('shows a reconnect countdown', async () => {
    const ui = mount({}, { state: 'reconnecting', retryAt: Date.now() + 4_200, reason: 'relay gone' });
    expect(await ui.waitForFrame(/reconnecting in [45]s/)).toContain('waiting for requests');
  });

  it("shows a queued tunnel's queue count, failures in the header", async () => {
    const ui = mount({}, { queue: { pending: 3, failed: 1, delivered: 12 } });
    await ui.waitForFrame(/queue: 3 waiting, 12 delivered, 1 failed/);
  });

  it('moves with j/k and arrows, opens the detail with Enter and goes back with Esc', async () => {
    seed();
    const ui = mount();
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('j');
    await ui.waitForFrame(/▸.*\/b/);
    await ui.press('j');
    await ui.waitForFrame(/▸.*\/a/);
    await ui.press('\u001B[A'); // up
    await ui.waitForFrame(/▸.*\/b/);
    await ui.press('\r');
    const detail = await ui.waitForFrame(/#2 POST \/b/);
    expect(detail).toContain('── Request headers');
    expect(detail).toContain('→ 500 OK');
    await ui.press('\u001B');
    expect(await ui.waitForFrame(/3 captured\n +ID TIME/)).toMatch(/▸.*\/b/);
  });

  it('acts on the rows on screen when a key comes right after they are drawn', async () => {
    seed();
    const ui = mount();
    // The first rows, before the list has reached the selection: c is for #3, not "no capture selected".
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('c');
    await ui.waitForFrame(/curl for #3/);
    await ui.press('\u001B');
    await ui.waitForFrame(LIST);
    // A capture arrives on top and the selection follows it; j moves from there, to /c.
    store.add(draft({ path: '/new' }));
    await ui.waitForFrame(/4 captured/);
    await ui.press('j');
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('r');
    await ui.waitForFrame(/replayed #3 as #5: 200 OK/);
  });

  it('pretty-prints JSON and decodes form fields in the detail view', async () => {
    seed();
    const ui = mount();
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('\r');
    expect(await ui.waitForFrame(/x = 1/)).toContain('y = two');
    await ui.press('\u001B');
    await ui.waitForFrame(LIST);
    await ui.press('G');
    await ui.waitForFrame(/▸.*\/a/);
    await ui.press('\r');
    expect(await ui.waitForFrame(/"n": 1/)).toContain('#1 POST /a');
  });

  it('filters with /, and Esc clears the filter', async () => {
    seed();
    const ui = mount();
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('/');
    await ui.waitForFrame(FILTERING);
    await ui.press('status:5xx');
    await ui.waitForFrame(/\/status:5xx/);
    await ui.press('\r');
    const filtered = await ui.waitForFrame(new RegExp(`1 shown · filter: status:5xx[\\s\\S]*${LIST.source}`));
    expect(filtered).toMatch(/▸.*\/b/);
    expect(filtered).not.toMatch(/\/a|\/c/);
    await ui.press('\u001B');
    expect(await ui.waitForFrame(/3 captured\n/)).not.toContain('filter:');
  });

  it('replays the selected capture with r: the origin gets it and the list gains the replay', async () => {
    seed();
    const ui = mount();
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('G');
    await ui.waitForFrame(/▸.*\/a/);
    await ui.press('r');
    await ui.waitForFrame(/replayed #1 as #4: 200 OK/);
    expect(origin.requests[0]).toMatchObject({ method: 'POST', url: '/a' });
    expect(origin.requests[0]?.body.toString()).toBe('{"n":1}');
    await ui.waitForFrame(/4 captured/);
    expect(store.get('4')).toMatchObject({ origin: 'replay', replayOf: '1' });
  });

  it('replays a filtered list with R after asking, oldest first, and sums up; not an unfiltered one', async () => {
    seed();
    const target = `http://127.0.0.1:${origin.port}/`;
    store.add({ ...draft({ path: '/d', status: 503 }), target });
    const ui = mount();
    await ui.waitForFrame(/▸.*\/d/);
    await ui.press('R');
    await ui.waitForFrame(/R replays a filtered list: filter it first with \//);
    await ui.press('/');
    await ui.waitForFrame(FILTERING);
    await ui.press('status:5xx\r');
    await ui.waitForFrame(/2 shown · filter: status:5xx/);
    await ui.press('R');
    await ui.waitForFrame(/replay 2 captures, oldest first\? \[y\] as captured {2}\[s\] re-signed {2}\[esc\] no/);
    await ui.press('\u001B');
    await ui.waitForFrame(LIST);
    expect(origin.requests).toHaveLength(0);
    await ui.press('R');
    await ui.waitForFrame(/replay 2 captures/);
    await ui.press('y');
    await ui.waitForFrame(/batch: sent 2: 2 2xx, 0 other; 0 failed/);
    expect(origin.requests.map((r) => r.url)).toEqual(['/b', '/d']);
  });

  it('edits with e in $EDITOR, then replays with the edit', async () => {
    seed();
    const editor = join(dir, 'editor.sh');
    await writeFile(
      editor,
      '#!/bin/sh\nsed -i "s/^Content-Type: application\\/json$/Content-Type: application\\/json\\nX-Edited: yes/" "$1"\n',
    );
    await chmod(editor, 0o755);
    const ui = mount({ EDITOR: editor, PATH: process.env.PATH ?? '' });
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('G');
    await ui.waitForFrame(/▸.*\/a/);
    await ui.press('e');
    await ui.waitForFrame(/replayed #1 as #4: 200 OK/);
    expect(origin.requests[0]?.headers['x-edited']).toBe('yes');
    expect(origin.requests[0]?.body.toString()).toBe('{"n":1}');
  });

  it('shows the curl command when there is no clipboard, and exports HAR with x', async () => {
    seed();
    const ui = mount();
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('c');
    const shown = await ui.waitForFrame(/curl for #3/);
    expect(shown).toContain("curl 'http://127.0.0.1:");
    await ui.press('\u001B');
    await ui.waitForFrame(LIST);
    await ui.press('x');
    const done = await ui.waitForFrame(/wrote 3 exchanges to (\S+\.har)/);
    const file = /wrote 3 exchanges to (\S+\.har)/.exec(done)?.[1] ?? '';
    expect(existsSync(file)).toBe(true);
    expect(
      JSON.parse(readFileSync(file, 'utf8')).log.entries.map((e: { request: { url: string } }) => e.request.url),
    ).toEqual(['http://demo.localhost:4747/a', 'http://demo.localhost:4747/b', 'http://demo.localhost:4747/c']);
  });

  it('pauses the live list with p and shows what arrived meanwhile', async () => {
    seed();
    const ui = mount();
    await ui.waitForFrame(/▸.*\/c/);
    await ui.press('p');
    await ui.waitForFrame(/· paused/);
    store.add(draft({ path: '/new' }));
    expect(await ui.waitForFrame(/paused \(1 new\)/)).not.toContain('/new');
    await ui.press('p');
    expect(await ui.waitForFrame(/4 captured/)).toContain('/new');
  });

  it('shows help with ? and closes it with any key', async () => {
    const ui = mount();
    await ui.waitForFrame(/waiting for requests/);
    await ui.press('?');
    expect(await ui.waitForFrame(/Keys/)).toContain('copy as curl');
    await ui.press('z');
    await ui.waitForFrame(/waiting for requests/);
  });

  it('draws only the visible window of 10 000 captures and jumps to the end', async () => {
    await store.close();
    store = await CaptureStore.open({ file: null, maxCount: 10_000 });
    for (let i = 1; i <= 10_000; i += 1) store.add(draft({ path: `/n${i}` }));
    const ui = mount();
    const frame = await ui.waitForFrame(/▸.*\/n10000 /);
    expect(frame).toContain('10000 captured');
    expect(frame.split('\n').filter((line) => /\/n\d+/.test(line))).toHaveLength(18);
    await ui.press('G');
    await ui.waitForFrame(/▸.*\/n1 /);
    await ui.press('g');
    await ui.waitForFrame(/▸.*\/n10000 /);
  });
});
