import { SignatureError } from './errors.js';
import { PROVIDERS, type ProviderId } from './types.js';

/** Other names people use for a provider. */
const ALIASES: Record<string, ProviderId> = { svix: 'standard', standardwebhooks: 'standard', hmac: 'generic' };

/** A provider name as typed (case-insensitive, aliases allowed), or null. */
export function providerName(text: string): ProviderId | null {
  const lower = text.trim().toLowerCase();
  if ((PROVIDERS as readonly string[]).includes(lower)) return lower as ProviderId;
  return ALIASES[lower] ?? null;
}

/** `stripe=whsec_…` → ['stripe', 'whsec_…']; the value may itself contain `=`. */
export function parseSecretFlag(text: string): [ProviderId, string] {
  const eq = text.indexOf('=');
  const provider = eq > 0 ? providerName(text.slice(0, eq)) : null;
  const value = eq > 0 ? text.slice(eq + 1) : '';
  if (provider === null || value === '') {
    // The value is left out of the message: it is a secret.
    throw new SignatureError(
      'E_SIGNATURE_CONFIG',
      `--secret must be <provider>=<secret> with a provider among ${PROVIDERS.join(', ')} (or svix)`,
    );
  }
  return [provider, value];
}

/** `HOOKLINE_SECRET_STRIPE`, `HOOKLINE_SECRET_GITHUB`, … (`HOOKLINE_SECRET_SVIX` too). */
export function secretsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<ProviderId, string>> {
  const out: Partial<Record<ProviderId, string>> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('HOOKLINE_SECRET_') || !value) continue;
    const provider = providerName(key.slice('HOOKLINE_SECRET_'.length));
    if (provider) out[provider] = value;
  }
  return out;
}
