import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureStore, STORE_FILE } from '@hookline/capture';
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { browserMissing, launchBrowser } from './test-support/browser.js';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import { ensureCliBuilt, isolatedEnv, startHttpCli, stopAllCli } from './test-support/cli-process.js';
import { harValidator } from './test-support/har-validator.js';
import { draft } from './test-support/records.js';

const missing = browserMissing();
if (missing) console.log(`skipping the web inspector page tests: ${missing}`);

let dir = '';
let origin: BytesOrigin;
let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;

beforeAll(ensureCliBuilt, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-page-e2e-'));
  origin = await startBytesOrigin();
});

afterEach(async () => {
  await browser?.close();
  browser = null;
  await stopAllCli();
  await origin.close();
  await rm(dir, { recursive: true, force: true });
});

async function openInspector(
  waitFor = 'waiting for requests',
  args: string[] = [],
): Promise<{ page: Page; base: string; errors: string[] }> {
  const { proc, base } = await startHttpCli(origin.port, 'page', {
    args,
    cwd: dir,
    env: isolatedEnv(dir, { HOOKLINE_DATA_DIR: join(dir, 'data') }),
  });
  const url = (await proc.waitForLine('stdout', /^Inspector\s+(\S+)$/))[1] as string;
  browser = await launchBrowser();
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.getByText(waitFor).first().waitFor();
  return { page, base, errors };
}

const row = (page: Page, path: string) => page.locator('.list .row', { hasText: path });

describe.skipIf(missing !== null)('the web inspector page (headless chromium)', () => {
  it('shows a webhook live, filters as you type, opens the detail, and replays an edit byte for byte', async () => {
    const { page, base, errors } = await openInspector();
    // The secret left the address bar once the page had it.
    expect(new URL(page.url()).hash).toBe('');
    const json = (value: object) => Buffer.from(JSON.stringify(value));
    await sendBytes(`${base}/hooks/live`, 'POST', { 'content-type': 'application/json' }, json({ amount: 100 }));
    await sendBytes(`${base}/other`, 'PUT', { 'content-type': 'text/plain' }, Buffer.from('plain'));
    await row(page, '/hooks/live').waitFor();
    await row(page, '/other').waitFor();

    await page.getByLabel('filter').fill('method:put');
    await row(page, '/hooks/live').waitFor({ state: 'detached' });
    expect(await page.locator('.list .row').count()).toBe(1);
    await page.getByLabel('filter').fill('colour:red');
    await page.getByRole('alert').getByText('unknown filter key "colour"').waitFor();
    await page.getByLabel('filter').fill('');
    await row(page, '/hooks/live').click();
    // Request and response side by side, the JSON pretty-printed.
    await page.getByRole('heading', { name: '#1 POST /hooks/live' }).waitFor();
    expect(await page.getByTestId('body').first().textContent()).toBe('{\n  "amount": 100\n}');
    await page.getByRole('button', { name: 'hex' }).first().click();
    expect(await page.getByTestId('body').first().textContent()).toMatch(/^00000000 {2}7b 22 61 6d/);

    await page.getByRole('button', { name: 'Edit and replay' }).click();
    const editor = page.getByLabel('edited request');
    const text = await editor.inputValue();
    await editor.fill(text.replace('{"amount":100}', '{"amount":100000}').replace('POST /hooks/live', 'PATCH /edited'));
    await page.getByRole('button', { name: 'Send' }).click();
    await page
      .getByRole('status')
      .getByText(/replayed edited #1 as #3: 200/)
      .waitFor();
    const got = origin.received[2];
    expect(got).toMatchObject({ method: 'PATCH', url: '/edited' });
    expect(got?.body.toString()).toBe('{"amount":100000}');
    expect(got?.headers['content-length']).toBe('17');
    // The replay arrives in the list through the live stream.
    await row(page, '/edited').waitFor();
    // Diff: mark the original, open the edited replay, compare.
    await page.getByRole('button', { name: 'Mark for diff' }).click();
    await row(page, '/edited').click();
    await page.getByRole('button', { name: 'Diff with #1' }).click();
    expect(await page.getByTestId('diff-request-line').textContent()).toContain('- POST /hooks/live');
    const bodyDiff = await page.getByTestId('diff-request-body').textContent();
    expect(bodyDiff).toContain('-   "amount": 100');
    expect(bodyDiff).toContain('+   "amount": 100000');
    // The one failed load is the bad filter's 400: no script error, no other failed request.
    expect(errors).toEqual(['Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });

  it('marks a handshake the relay answered (H), as the terminal inspector does', async () => {
    const { page, base, errors } = await openInspector('waiting for requests', ['--handshake', 'slack']);
    const challenge = Buffer.from(JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }));
    await sendBytes(`${base}/slack/events`, 'POST', { 'content-type': 'application/json' }, challenge);
    await sendBytes(`${base}/slack/plain`, 'POST', { 'content-type': 'application/json' }, Buffer.from('{}'));
    expect(await row(page, '/slack/events').locator('.mark').textContent()).toBe('H');
    await row(page, '/slack/plain').waitFor();
    expect(await row(page, '/slack/plain').locator('.mark').textContent()).toBe('');
    expect(origin.received.map((request) => request.url)).toEqual(['/slack/plain']);
    expect(errors).toEqual([]);
  });

  it('downloads a HAR that validates, and shows the curl command', async () => {
    const { page, base } = await openInspector();
    await sendBytes(`${base}/a`, 'POST', { 'content-type': 'application/json' }, Buffer.from('{"n":1}'));
    await sendBytes(
      `${base}/b`,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      Buffer.from('x=1&y=2'),
    );
    await row(page, '/b').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('.toolbar').getByRole('button', { name: 'Download HAR' }).click(),
    ]);
    const har = JSON.parse(await readFile((await download.path()) as string, 'utf8'));
    expect(harValidator()(har)).toBe(true);
    expect(har.log.entries.map((e: { request: { url: string } }) => new URL(e.request.url).pathname)).toEqual([
      '/t/page/a',
      '/t/page/b',
    ]);
    await row(page, '/b').click();
    expect(await page.getByTestId('body').first().textContent()).toBe('x = 1\ny = 2');
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    expect(await page.getByTestId('curl').textContent()).toMatch(/^curl .*\/b/s);
  });

  it('keeps 10 000 captures in a windowed list: the DOM holds a screenful, the end of the list is reachable', async () => {
    const store = await CaptureStore.open({ file: join(dir, 'data', STORE_FILE) });
    for (let i = 0; i < 10_000; i += 1) store.add({ ...draft({ path: `/bulk/${i}` }), tunnel: 'page' });
    await store.close();
    const { page } = await openInspector('/bulk/9999');
    await page.getByTestId('count').getByText('10000 captured', { exact: true }).waitFor();
    expect(await page.locator('.list .row').count()).toBeLessThan(80);
    await page.locator('.list').evaluate((list) => {
      const box = list as unknown as { scrollTop: number; scrollHeight: number };
      box.scrollTop = box.scrollHeight;
    });
    await row(page, '/bulk/0').waitFor();
    expect(await page.locator('.list .row').count()).toBeLessThan(80);
  });
});
