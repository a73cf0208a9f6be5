import { CaptureStore, signatureAnnotator } from '@hookline/capture';
import { officialHeaders, SECRETS, wrongSecret } from '@hookline/signatures/testing';
import { cleanup } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localCaptureService } from '../inspector/capture-service.js';
import { inspectorActions } from '../inspector/inspector-actions.js';
import { driveInk } from '../test-support/ink-driver.js';
import { type Origin, startOrigin } from '../test-support/origin.js';
import { draft } from '../test-support/records.js';
import { Inspector } from './inspector.js';
import type { StatusSource } from './sources.js';

const config = { secrets: { stripe: SECRETS.stripe } };
const body = '{"id":"evt_tui_1","object":"event","type":"invoice.paid"}';
let store: CaptureStore;
let origin: Origin;

beforeEach(async () => {
  store = await CaptureStore.open({ file: null, annotate: signatureAnnotator(config) });
  origin = await startOrigin();
});

afterEach(async () => {
  cleanup();
  await store.close();
  await origin.close();
});

const status: StatusSource = {
  get: () => ({ url: 'http://demo.localhost:4747', target: 'http://localhost:3000', state: 'online' }),
  subscribe: () => () => {},
};

/** A Stripe delivery received at `startedAt`, signed `ageS` seconds before, with `secret`. */
async function stripeCapture(path: string, startedAt: number, ageS: number, secret: string = SECRETS.stripe) {
  const headers = await officialHeaders('stripe', Buffer.from(body), Math.floor(startedAt / 1000) - ageS, secret);
  const target = `http://127.0.0.1:${origin.port}/`;
  store.add({
    ...draft({
      path,
      body,
      startedAt,
      headers: ['Content-Type', 'application/json', ...Object.entries(headers).flat()],
    }),
    target,
  });
}

describe('Inspector signature marks', () => {
  it('marks ✓ / ✗ / stale and duplicates in the list, explains in the detail, and offers a re-signed replay', async () => {
    const t = Date.now();
    await stripeCapture('/ok', t, 2);
    await stripeCapture('/late', t, 900);
    await stripeCapture('/forged', t, 1, wrongSecret('stripe'));
    const actions = {
      ...inspectorActions({ service: localCaptureService(store, { signatures: config }), env: {}, cwd: '/tmp' }),
      lendTerminal: <T>(work: () => Promise<T>) => work(),
    };
    const ui = driveInk(createElement(Inspector, { captures: store, status, actions }));
    const frame = await ui.waitForFrame(/\/forged/);
    const row = (path: string) => frame.split('\n').find((line) => line.includes(path)) ?? '';
    expect(frame).toMatch(/PATH\s+SIG\s+STATUS/);
    expect(row('/ok')).toMatch(/≡?\/ok\s+✓\s+200/);
    expect(row('/late')).toMatch(/\/late\s+stale\s+200/);
    expect(row('/forged')).toMatch(/\/forged\s+✗\s+200/);
    // Same Stripe event id three times: the later two are resends of #1.
    expect(row('/late')).toContain('≡');

    await ui.press('\r'); // detail of /forged (newest, selected)
    const detail = await ui.waitForFrame(/sig {5}stripe/);
    expect(detail).toMatch(/stripe ✗ invalid: no v1 signature matches this secret/);
    expect(detail).toMatch(/event {3}stripe evt_tui_1 — duplicate: first delivered as #1/);
    await ui.press('\u001B');
    await ui.waitForFrame(/PATH\s+SIG/);

    await ui.press('j'); // /late
    await ui.waitForFrame(/▸.*\/late/);
    await ui.press('r');
    await ui.waitForFrame(/replay #2 \(stripe\): \[a\] as captured {2}\[s\] re-signed/);
    await ui.press('s');
    await ui.waitForFrame(/replayed #2 as #4 \(stripe ✓\): 200/);
    const signedAt = Number(/^t=(\d+),v1=/.exec(String(origin.requests.at(-1)?.headers['stripe-signature']))?.[1]);
    expect(Math.abs(signedAt - Date.now() / 1000)).toBeLessThan(3);
    await ui.press('r');
    await ui.waitForFrame(/\[a\] as captured/);
    await ui.press('a');
    await ui.waitForFrame(/replayed #\d as #5 \(stripe stale\): 200/);
  });
});
