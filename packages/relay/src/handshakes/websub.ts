import { echoAnswer, type HandshakeProvider } from './handshake.js';

/**
 * WebSub (W3C) verification of intent: the hub GETs the callback with
 * `hub.mode=subscribe|unsubscribe` and `hub.challenge`; the subscriber answers
 * 2xx with the challenge as the body.
 */
export const websubHandshake: HandshakeProvider = {
  kind: 'websub',
  readsBody: false,
  matchesHead: (method) => method === 'GET',
  answer({ query }) {
    const mode = query.get('hub.mode');
    if (mode !== 'subscribe' && mode !== 'unsubscribe') return null;
    const challenge = query.get('hub.challenge');
    if (challenge === null) return { refuse: `the WebSub ${mode} request has no hub.challenge` };
    return echoAnswer(challenge, 'WebSub hub.challenge');
  },
};
