/**
 * The README's screenshot of the web inspector, from a real run: `hookline http`
 * on an embedded relay, a few webhooks sent through the tunnel (a signed Stripe
 * event, a GitHub push, a form post, one the local server fails), one replay, the
 * Stripe one opened. Run: node --import tsx apps/cli/scripts/web-screenshot.ts docs/web-inspector.png
 */
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from '../src/test-support/browser.js';
import { sendBytes, startBytesOrigin } from '../src/test-support/bytes-origin.js';
import { isolatedEnv, startHttpCli } from '../src/test-support/cli-process.js';

const out = resolve(process.argv[2] ?? 'web-inspector.png');
const STRIPE_SECRET = 'whsec_screenshot';
const dir = await mkdtemp(join(tmpdir(), 'hookline-screenshot-'));
const origin = await startBytesOrigin();
const { proc, base } = await startHttpCli(origin.port, 'brave-otter', {
  cwd: dir,
  env: isolatedEnv(dir, { HOOKLINE_DATA_DIR: join(dir, 'data') }),
  args: ['--secret', `stripe=${STRIPE_SECRET}`],
});
const url = (await proc.waitForLine('stdout', /^Inspector\s+(\S+)$/))[1] as string;
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.goto(url);
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const push = json({ ref: 'refs/heads/main', commits: [{ id: '4f2a9c1', message: 'Fix invoice rounding' }] });
  await sendBytes(
    `${base}/webhooks/github`,
    'POST',
    {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    },
    push,
  );
  await sendBytes(
    `${base}/slack/command`,
    'POST',
    { 'content-type': 'application/x-www-form-urlencoded' },
    Buffer.from('command=%2Fdeploy&text=staging&user_name=ada'),
  );
  await sendBytes(
    `${base}/fail/shopify`,
    'POST',
    { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
    json({ id: 820982911946, total_price: '199.00' }),
  );
  const event = json({
    id: 'evt_1Nq8kL2eZvKYlo2C',
    object: 'event',
    type: 'invoice.paid',
    data: { object: { id: 'in_1Nq8kK2eZvKYlo2C', amount_paid: 4200, currency: 'eur', customer: 'cus_OdR3' } },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', STRIPE_SECRET).update(`${t}.${event.toString()}`).digest('hex');
  await sendBytes(
    `${base}/webhooks/stripe`,
    'POST',
    { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` },
    event,
  );
  const stripe = page.locator('.list .row', { hasText: '/webhooks/stripe' });
  await stripe.waitFor();
  await stripe.click();
  await page.getByRole('button', { name: 'Replay', exact: true }).click();
  await page.getByRole('status').waitFor();
  await page.locator('.list .row', { hasText: '/webhooks/stripe' }).nth(1).click();
  await page.getByTestId('signature').waitFor();
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await proc.stop();
  await origin.close();
  await rm(dir, { recursive: true, force: true });
}
