import type { HandshakeKind } from '@hookline/protocol';
import { cloudEventsHandshake } from './cloudevents.js';
import { graphHandshake } from './graph.js';
import type { HandshakeProvider } from './handshake.js';
import { slackHandshake } from './slack.js';
import { websubHandshake } from './websub.js';
import { zoomHandshake } from './zoom.js';

/** Every handshake the relay answers, by the name a tunnel declares it with. */
export const HANDSHAKE_PROVIDERS: Record<HandshakeKind, HandshakeProvider> = {
  slack: slackHandshake,
  zoom: zoomHandshake,
  graph: graphHandshake,
  websub: websubHandshake,
  cloudevents: cloudEventsHandshake,
};
