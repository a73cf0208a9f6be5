/**
 * @module @hookline/signatures/testing — the providers' own libraries (and the
 * documented Slack/Shopify algorithms) as judges, for tests in any workspace.
 * Needs the devDependencies `stripe`, `@octokit/webhooks-methods`, `standardwebhooks`.
 */
export { shopifySign, shopifyVerify, slackSign, slackVerify } from './documented.js';
export {
  ALL_PROVIDERS,
  headerRecord,
  officialHeaders,
  officialVerify,
  type Provider,
  rawList,
  SECRETS,
  wrongSecret,
} from './official.js';
