import { randomInt } from 'node:crypto';

// 64 × 64 words (12 bits) + 6 base32 characters (30 bits) = 42 bits of entropy:
// readable enough to say aloud, too many to guess.
const ADJECTIVES = (
  'amber bold brave brisk calm clever cosmic crisp dapper eager early fancy fast fluffy gentle giant ' +
  'glad golden grand happy hidden humble icy jolly keen kind lively lucky lunar mellow merry ' +
  'misty modest noble odd polite proud quick quiet rapid rare ready royal rusty shiny silent silver ' +
  'sleepy smart snowy solar spicy steady sunny swift tidy tiny vast vivid warm wild witty young zesty'
).split(' ');
const NOUNS = (
  'badger beacon bison canyon cedar comet coral crane delta dingo eagle ember falcon fern fjord fox ' +
  'gecko glacier harbor hawk heron ibis island jaguar kayak koala lagoon lemur lynx maple marmot meadow ' +
  'meteor moose nebula newt ocean orca otter owl panda pebble pine quail raven reef river robin salmon ' +
  'sparrow spruce summit tapir thunder tiger tundra walrus whale willow wombat yak zebra acorn aurora'
).split(' ');
const BASE32 = 'abcdefghijkmnpqrstuvwxyz23456789';

function pick<T>(list: readonly T[]): T {
  return list[randomInt(list.length)] as T;
}

/** A random, readable, unguessable tunnel name such as `brave-otter-k3x9q2`. */
export function randomTunnelName(): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += pick([...BASE32]);
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${suffix}`;
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why a requested name is not usable, or null when it is a valid DNS label. */
export function tunnelNameProblem(name: string): string | null {
  if (name.length === 0) return 'name is empty';
  if (name.length > 63) return 'name is longer than 63 characters';
  if (name !== name.toLowerCase()) return 'name must be lower case';
  if (!DNS_LABEL.test(name)) {
    return 'name must be letters a-z, digits and inner hyphens (a DNS label), e.g. "my-shop"';
  }
  return null;
}
