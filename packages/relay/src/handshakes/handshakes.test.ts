import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { HandshakeRequest } from './handshake.js';
import { HANDSHAKE_PROVIDERS } from './providers.js';

const request = (over: Partial<HandshakeRequest> & { url?: string }): HandshakeRequest => ({
  method: over.method ?? 'POST',
  query: new URL(over.url ?? '/', 'http://x').searchParams,
  headers: over.headers ?? ({} as IncomingHttpHeaders),
  json: over.json,
});
const { slack, zoom, graph, websub, cloudevents } = HANDSHAKE_PROVIDERS;

describe('handshake providers', () => {
  it('slack: echoes the challenge of a url_verification only', () => {
    expect(slack.matchesHead('POST', { 'content-type': 'application/json; charset=utf-8' })).toBe(true);
    expect(slack.matchesHead('POST', { 'content-type': 'text/plain' })).toBe(false);
    expect(slack.answer(request({ json: { type: 'url_verification', challenge: 'abc' } }), {})).toEqual({
      answer: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'abc' },
    });
    expect(slack.answer(request({ json: { type: 'event_callback', challenge: 'abc' } }), {})).toBeNull();
    expect(slack.answer(request({ json: ['url_verification'] }), {})).toBeNull();
    expect(slack.answer(request({ json: { type: 'url_verification', challenge: 7 } }), {})).toHaveProperty('refuse');
    expect(slack.answer(request({ json: { type: 'url_verification', challenge: 'a\nb' } }), {})).toHaveProperty(
      'refuse',
    );
  });

  it('zoom: HMAC-SHA256 of plainToken with the secret token, hex, and nothing without the secret', () => {
    const json = { event: 'endpoint.url_validation', payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' } };
    const verdict = zoom.answer(request({ json }), { zoom: 'secret' });
    const expected = createHmac('sha256', 'secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex');
    expect(verdict && 'answer' in verdict && JSON.parse(verdict.answer.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: expected,
    });
    expect(zoom.answer(request({ json }), {})).toBeNull();
    expect(zoom.answer(request({ json: { event: 'meeting.started' } }), { zoom: 'secret' })).toBeNull();
    expect(zoom.answer(request({ json: { event: 'endpoint.url_validation' } }), { zoom: 's' })).toHaveProperty(
      'refuse',
    );
  });

  it('graph: the decoded validationToken of a POST; a POST without one is not a handshake', () => {
    const token = 'Validation: Testing client application reachability';
    const verdict = graph.answer(request({ url: `/?validationToken=${encodeURIComponent(token)}` }), {});
    expect(verdict).toMatchObject({ answer: { status: 200, body: token } });
    expect(graph.answer(request({ url: '/?other=1' }), {})).toBeNull();
    expect(graph.matchesHead('GET', {})).toBe(false);
  });

  it('websub: echoes hub.challenge for subscribe and unsubscribe only', () => {
    for (const mode of ['subscribe', 'unsubscribe']) {
      expect(websub.answer(request({ method: 'GET', url: `/?hub.mode=${mode}&hub.challenge=xyz` }), {})).toMatchObject({
        answer: { body: 'xyz' },
      });
    }
    expect(websub.answer(request({ method: 'GET', url: '/?hub.mode=denied&hub.challenge=xyz' }), {})).toBeNull();
    expect(websub.answer(request({ method: 'GET', url: '/?hub.mode=subscribe' }), {})).toHaveProperty('refuse');
  });

  it('cloudevents: grants the origin and the asked rate (else *), refuses a non-host origin', () => {
    const headers = { 'webhook-request-origin': 'eventgrid.azure.net', 'webhook-request-rate': '120' };
    expect(cloudevents.matchesHead('OPTIONS', headers)).toBe(true);
    expect(cloudevents.matchesHead('OPTIONS', {})).toBe(false);
    expect(cloudevents.answer(request({ method: 'OPTIONS', headers }), {})).toMatchObject({
      answer: {
        status: 200,
        headers: { 'webhook-allowed-origin': 'eventgrid.azure.net', 'webhook-allowed-rate': '120' },
      },
    });
    const unlimited = { 'webhook-request-origin': 'a.example', 'webhook-request-rate': 'lots' };
    expect(cloudevents.answer(request({ method: 'OPTIONS', headers: unlimited }), {})).toMatchObject({
      answer: { headers: { 'webhook-allowed-rate': '*' } },
    });
    const evil = { 'webhook-request-origin': 'a.example\r\nset-cookie: x=1' };
    expect(cloudevents.answer(request({ method: 'OPTIONS', headers: evil }), {})).toHaveProperty('refuse');
  });
});
