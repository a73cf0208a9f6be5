import type { Hello } from '@hookline/protocol';
import type { OfflineResponse } from './offline-answer.js';

/** The HELLO fields that ask the relay to answer for this tunnel: absent ones stay out (older relays). */
export function relayAnswersHello(options: {
  handshakes?: Hello['handshakes'];
  handshakeSecrets?: { zoom?: string };
  offlineResponse?: OfflineResponse;
}): Pick<Hello, 'handshakes' | 'handshakeSecrets' | 'offlineResponse'> {
  const { handshakes, handshakeSecrets, offlineResponse } = options;
  return {
    ...(handshakes && handshakes.length > 0 ? { handshakes } : {}),
    ...(handshakeSecrets?.zoom ? { handshakeSecrets: { zoom: handshakeSecrets.zoom } } : {}),
    ...(offlineResponse
      ? {
          offlineResponse: {
            status: offlineResponse.status,
            headers: offlineResponse.headers,
            body: offlineResponse.body.toString('base64'),
          },
        }
      : {}),
  };
}
