import { echoAnswer, type HandshakeProvider } from './handshake.js';

/**
 * Microsoft Graph change notifications: creating a subscription POSTs to the
 * URL with `?validationToken=…`; the endpoint answers within 10 s, 200
 * text/plain, with the token decoded from the query.
 */
export const graphHandshake: HandshakeProvider = {
  kind: 'graph',
  readsBody: false,
  matchesHead: (method) => method === 'POST',
  answer({ query }) {
    const token = query.get('validationToken');
    if (token === null) return null;
    return echoAnswer(token, 'Graph validationToken');
  },
};
