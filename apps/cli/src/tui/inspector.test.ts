import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureStore } from '@hookline/capture';
import { cleanup, render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localCaptureService } from '../inspector/capture-service.js';
import { inspectorActions } from '../inspector/inspector-actions.js';
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

/** Ink renders a tick after input; the capture list refreshes every 100 ms. */
const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

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
  return render(createElement(Inspector, { captures: store, status: status(view), actions }));
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

async function waitFor(frame: () => string | undefined, pattern: RegExp, timeoutMs = 3_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = frame() ?? '';
    if (pattern.test(text)) return text;
    await tick(20);
  }
  throw new Error(`no frame matching ${pattern}:\n${frame()}`);
}

describe('Inspector', () => {
  it('shows the tunnel, the counts and the captures, newest first, with the first selected', async () => {
    seed();
    const ui = mount();
    await tick();
    const frame = ui.lastFrame() ?? '';
    expect(frame).toMatch(/hookline ● online http:\/\/demo\.localhost:4747 → http:\/\/localhost:3000/);
    expect(frame).toContain('3 captured');
    const rows = frame.split('\n').filter((line) => /\d\d:\d\d:\d\d/.test(line));
    expect(rows.map((row) => /\/[abc]/.exec(row)?.[0])).toEqual(['/c', '/b', '/a']);
    expect(rows[0]).toMatch(/^▸/);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('shows a reconnect countdown', async () => {
    const ui = mount({}, { state: 'reconnecting', retryAt: Date.now() + 4_200, reason: 'relay gone' });
    await tick();
    expect(ui.lastFrame()).toMatch(/reconnecting in 5s .*|reconnecting in [45]s/);
    expect(ui.lastFrame()).toContain('waiting for requests');
  });

  it("shows a queued tunnel's queue count, failures in the header", async () => {
    const ui = mount({}, { queue: { pending: 3, failed: 1, delivered: 12 } });
    await tick();
    expect(ui.lastFrame()).toContain('queue: 3 waiting, 12 delivered, 1 failed');
  });

  it('moves with j/k and arrows, opens the detail with Enter and goes back with Esc', async () => {
    seed();
    const ui = mount();
    await tick();
    ui.stdin.write('j');
    await tick();
    ui.stdin.write('j');
    await tick();
    ui.stdin.write('\u001B[A'); // up
    await tick();
    expect(ui.lastFrame()).toMatch(/▸.*\/b/);
    ui.stdin.write('\r');
    const detail = await waitFor(ui.lastFrame, /#2 POST \/b/);
    expect(detail).toContain('── Request headers');
    expect(detail).toContain('→ 500 OK');
    ui.stdin.write('\u001B');
    await waitFor(ui.lastFrame, /3 captured\n +ID TIME/);
  });

  it('pretty-prints JSON and decodes form fields in the detail view', async () => {
    seed();
    const ui = mount();
    await tick();
    ui.stdin.write('\r');
    expect(await waitFor(ui.lastFrame, /x = 1/)).toContain('y = two');
    ui.stdin.write('\u001B');
    await tick();
    ui.stdin.write('G');
    await tick();
    ui.stdin.write('\r');
    expect(await waitFor(ui.lastFrame, /"n": 1/)).toContain('#1 POST /a');
  });

  it('filters with /, and Esc clears the filter', async () => {
    seed();
    const ui = mount();
    await tick();
    ui.stdin.write('/');
    await tick();
    ui.stdin.write('status:5xx');
    await tick();
    expect(ui.lastFrame()).toContain('/status:5xx');
    ui.stdin.write('\r');
    const filtered = await waitFor(ui.lastFrame, /1 shown · filter: status:5xx/);
    expect(filtered).toMatch(/▸.*\/b/);
    expect(filtered).not.toMatch(/\/a|\/c/);
    ui.stdin.write('\u001B');
    await waitFor(ui.lastFrame, /3 captured\n/);
  });

  it('replays the selected capture with r: the origin gets it and the list gains the replay', async () => {
    seed();
    const ui = mount();
    await tick();
    ui.stdin.write('G');
    await tick();
    ui.stdin.write('r');
    await waitFor(ui.lastFrame, /replayed #1 as #4: 200 OK/);
    expect(origin.requests[0]).toMatchObject({ method: 'POST', url: '/a' });
    expect(origin.requests[0]?.body.toString()).toBe('{"n":1}');
    await waitFor(ui.lastFrame, /4 captured/);
    expect(store.get('4')).toMatchObject({ origin: 'replay', replayOf: '1' });
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
    await tick();
    ui.stdin.write('G');
    await tick();
    ui.stdin.write('e');
    await waitFor(ui.lastFrame, /replayed #1 as #4: 200 OK/);
    expect(origin.requests[0]?.headers['x-edited']).toBe('yes');
    expect(origin.requests[0]?.body.toString()).toBe('{"n":1}');
  });

  it('shows the curl command when there is no clipboard, and exports HAR with x', async () => {
    seed();
    const ui = mount();
    await tick();
    ui.stdin.write('c');
    const shown = await waitFor(ui.lastFrame, /curl for #3/);
    expect(shown).toContain("curl 'http://127.0.0.1:");
    ui.stdin.write('\u001B');
    await tick();
    ui.stdin.write('x');
    const done = await waitFor(ui.lastFrame, /wrote 3 exchanges to (\S+\.har)/);
    const file = /wrote 3 exchanges to (\S+\.har)/.exec(done)?.[1] ?? '';
    expect(existsSync(file)).toBe(true);
    expect(
      JSON.parse(readFileSync(file, 'utf8')).log.entries.map((e: { request: { url: string } }) => e.request.url),
    ).toEqual(['http://demo.localhost:4747/a', 'http://demo.localhost:4747/b', 'http://demo.localhost:4747/c']);
  });

  it('pauses the live list with p and shows what arrived meanwhile', async () => {
    seed();
    const ui = mount();
    await tick();
    ui.stdin.write('p');
    await tick();
    store.add(draft({ path: '/new' }));
    await waitFor(ui.lastFrame, /paused \(1 new\)/);
    expect(ui.lastFrame()).not.toContain('/new');
    ui.stdin.write('p');
    await waitFor(ui.lastFrame, /4 captured/);
    expect(ui.lastFrame()).toContain('/new');
  });

  it('shows help with ? and closes it with any key', async () => {
    const ui = mount();
    await tick();
    ui.stdin.write('?');
    await waitFor(ui.lastFrame, /Keys/);
    expect(ui.lastFrame()).toContain('copy as curl');
    ui.stdin.write('z');
    await waitFor(ui.lastFrame, /waiting for requests/);
  });

  it('draws only the visible window of 10 000 captures and jumps to the end', async () => {
    await store.close();
    store = await CaptureStore.open({ file: null, maxCount: 10_000 });
    for (let i = 1; i <= 10_000; i += 1) store.add(draft({ path: `/n${i}` }));
    const ui = mount();
    await tick(50);
    const frame = ui.lastFrame() ?? '';
    expect(frame).toContain('10000 captured');
    expect(frame.split('\n').filter((line) => /\/n\d+/.test(line))).toHaveLength(18);
    ui.stdin.write('G');
    await waitFor(ui.lastFrame, /▸.*\/n1 /);
    ui.stdin.write('g');
    await waitFor(ui.lastFrame, /▸.*\/n10000 /);
  });
});
