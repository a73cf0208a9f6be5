import { createHmac } from 'node:crypto';
import { challengeProblem, type HandshakeProvider, isJsonContentType, isObject } from './handshake.js';

/**
 * Zoom `endpoint.url_validation`: a JSON POST with `payload.plainToken`,
 * answered within 3 s with `{plainToken, encryptedToken}`, the token being the
 * hex HMAC-SHA256 of `plainToken` keyed with the app's secret token. The relay
 * holds that secret only in memory, from the client's last HELLO.
 */
export const zoomHandshake: HandshakeProvider = {
  kind: 'zoom',
  readsBody: true,
  matchesHead: (method, headers) => method === 'POST' && isJsonContentType(headers),
  answer({ json }, secrets) {
    if (!isObject(json) || json.event !== 'endpoint.url_validation') return null;
    // Declared without a secret is refused at HELLO; this is the backstop.
    if (!secrets.zoom) return null;
    const plainToken = isObject(json.payload) ? json.payload.plainToken : undefined;
    if (typeof plainToken !== 'string') return { refuse: 'the Zoom url_validation has no payload.plainToken string' };
    const problem = challengeProblem(plainToken, 'Zoom plainToken');
    if (problem) return { refuse: problem };
    const encryptedToken = createHmac('sha256', secrets.zoom).update(plainToken).digest('hex');
    return {
      answer: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ plainToken, encryptedToken }),
      },
    };
  },
};
