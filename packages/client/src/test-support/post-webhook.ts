import { request } from 'node:http';

/** What a sender saw: the status and `hookline-error` code, or status null when it got no answer. */
export interface WebhookAnswer {
  status: number | null;
  code: string | null;
}

/**
 * POST one webhook on a fresh connection, like a provider does; never rejects (a
 * relay being killed is part of the tests that use it).
 */
export function postWebhook(port: number, path: string, body: Buffer | string): Promise<WebhookAnswer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, timeout: 15_000 }, (res) => {
      res.resume();
      const code = res.headers['hookline-error'];
      const answer = { status: res.statusCode ?? null, code: typeof code === 'string' ? code : null };
      res.on('end', () => resolve(answer));
      res.on('error', () => resolve({ status: null, code: null }));
    });
    req.setHeader('content-type', 'application/json');
    req.setHeader('content-length', Buffer.byteLength(body));
    req.on('error', () => resolve({ status: null, code: null }));
    req.on('timeout', () => req.destroy());
    req.end(body);
  });
}
