import { echoAnswer, type HandshakeProvider, isJsonContentType, isObject } from './handshake.js';

/**
 * Slack Events API URL verification: a JSON POST
 * `{"token": …, "challenge": …, "type": "url_verification"}`, answered 200 with
 * the challenge (text/plain is one of the three forms Slack accepts).
 */
export const slackHandshake: HandshakeProvider = {
  kind: 'slack',
  readsBody: true,
  matchesHead: (method, headers) => method === 'POST' && isJsonContentType(headers),
  answer({ json }) {
    if (!isObject(json) || json.type !== 'url_verification') return null;
    if (typeof json.challenge !== 'string') return { refuse: 'the Slack url_verification has no challenge string' };
    return echoAnswer(json.challenge, 'Slack challenge');
  },
};
