import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CaptureStore } from './capture-store.js';
import { toFixture } from './fixture.js';
import { signatureAnnotator } from './signature-annotation.js';
import { makeDraft } from './test-support/make-draft.js';

const SECRET = 'gh-secret';
const sign = (body: Buffer) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

function github(delivery: string, body: Buffer, origin: 'live' | 'replay' = 'live') {
  const draft = makeDraft({
    body,
    headers: [
      'Host',
      'x',
      'Content-Length',
      String(body.length),
      'X-GitHub-Delivery',
      delivery,
      'X-Hub-Signature-256',
      sign(body),
    ],
  });
  return { ...draft, origin, replayOf: origin === 'replay' ? '1' : null };
}

describe('signatures in the capture store', () => {
  it('stores the verdict and event id, never the secret, and links resends to the first delivery', async () => {
    const store = await CaptureStore.open({
      file: null,
      maxCount: 3,
      annotate: signatureAnnotator({ secrets: { github: SECRET } }),
    });
    const body = Buffer.from('{"zen":"hi"}');
    const first = store.add(github('d-1', body));
    const replay = store.add(github('d-1', body, 'replay'));
    const resend = store.add(github('d-1', body));
    expect(first.signature).toMatchObject({ status: 'valid', provider: 'github' });
    expect(first.event).toEqual({ provider: 'github', id: 'd-1' });
    expect(first.duplicateOf).toBeUndefined();
    expect(replay.duplicateOf).toBeUndefined();
    expect(resend.duplicateOf).toBe(first.id);
    expect(JSON.stringify(store.list())).not.toContain(SECRET);
    // Once the first delivery is evicted, resends link to the oldest one still stored.
    store.add(github('d-2', body));
    expect(store.get(first.id)).toBeUndefined();
    store.add(github('d-x', body));
    expect(store.add(github('d-1', body)).duplicateOf).toBe(resend.id);
    await store.close();
  });

  it('says a truncated body cannot be checked rather than calling it forged', async () => {
    const store = await CaptureStore.open({
      file: null,
      annotate: signatureAnnotator({ secrets: { github: SECRET } }),
    });
    const draft = github('d-3', Buffer.from('{"big":true}'));
    const truncated = {
      ...draft,
      request: {
        ...draft.request,
        body: { bytes: draft.request.body.bytes.subarray(0, 6), size: 5_000_000, truncated: true },
      },
    };
    expect(store.add(truncated).signature?.reason).toMatch(/cannot be checked/);
    await store.close();
  });
});

describe('toFixture', () => {
  it('keeps text bodies readable, base64-encodes non-UTF-8 ones, and drops connection headers', () => {
    const text = toFixture({ id: '4', ...github('d-4', Buffer.from('{"a":"é"}')) });
    expect(text).toMatchObject({
      hooklineFixture: 1,
      method: 'POST',
      path: '/hooks',
      body: '{"a":"é"}',
      bodyEncoding: 'utf8',
    });
    expect(text.headers.map(([name]) => name)).toEqual(['X-GitHub-Delivery', 'X-Hub-Signature-256']);
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const binary = toFixture({ id: '5', ...makeDraft({ body: bytes }) });
    expect(binary.bodyEncoding).toBe('base64');
    expect(Buffer.from(binary.body, binary.bodyEncoding).equals(bytes)).toBe(true);
  });
});
